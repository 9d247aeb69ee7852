import { stepsForFlow } from '../store/steps.js';
import { useApp } from '../store/index.js';
import { Glossary } from './Glossary.js';

/** The steps that fit the active profile's flow; the current one has aria-current="step". */
export function StepRail() {
  const step = useApp((s) => s.step);
  const goTo = useApp((s) => s.goTo);
  const flow = useApp((s) => s.profiles.find((p) => p.id === s.activeProfileId)?.flow);
  const openGlossary = useApp((s) => s.openGlossary);
  return (
    <nav className="rail" aria-label="Steps">
      <ol>
        {stepsForFlow(flow).map((s, i) => (
          <li key={s.id}>
            <button
              type="button"
              className="rail-button"
              aria-current={s.id === step ? 'step' : undefined}
              onClick={() => goTo(s.id)}
            >
              <span className="rail-num" aria-hidden="true">
                {i + 1}
              </span>
              {s.title}
            </button>
          </li>
        ))}
      </ol>
      {/* A link, not a step: it opens the glossary over the app (and is its deep link). */}
      <a
        href="#glossary"
        className="rail-button rail-glossary"
        onClick={(e) => {
          e.preventDefault();
          openGlossary();
        }}
      >
        Glossary of causes
      </a>
      {/* A dialog on the page's body, shown when open. */}
      <Glossary />
    </nav>
  );
}
