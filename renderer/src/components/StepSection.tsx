import type { ReactNode } from 'react';

/**
 * A step landmark: region named by its h2 (Playwright: getByRole('region', { name })). The h2
 * takes focus when the step is opened and from the skip link (tabIndex -1: not a Tab stop).
 */
export function StepSection({
  id,
  title,
  intro,
  children,
}: {
  id: string;
  title: string;
  intro?: ReactNode;
  children: ReactNode;
}) {
  const headingId = `step-${id}-title`;
  return (
    <section className="step" aria-labelledby={headingId}>
      <header className="step-header">
        <h2 id={headingId} tabIndex={-1}>
          {title}
        </h2>
        {intro && <p className="intro">{intro}</p>}
      </header>
      {children}
    </section>
  );
}
