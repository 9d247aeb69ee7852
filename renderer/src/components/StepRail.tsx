import { STEPS } from '../store/steps.js';
import { useApp } from '../store/index.js';

/** The list of steps; the current one has aria-current="step". */
export function StepRail() {
  const step = useApp((s) => s.step);
  const goTo = useApp((s) => s.goTo);
  return (
    <nav className="rail" aria-label="Steps">
      <ol>
        {STEPS.map((s, i) => (
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
