import { stepsForFlow } from '../store/steps.js';
import { useApp } from '../store/index.js';

/** The steps that fit the active profile's flow; the current one has aria-current="step". */
export function StepRail() {
  const step = useApp((s) => s.step);
  const goTo = useApp((s) => s.goTo);
  const flow = useApp((s) => s.profiles.find((p) => p.id === s.activeProfileId)?.flow);
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
    </nav>
  );
}
