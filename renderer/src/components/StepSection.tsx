import type { ReactNode } from 'react';

/** A step landmark: region named by its h2 (Playwright: getByRole('region', { name })). */
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
        <h2 id={headingId}>{title}</h2>
        {intro && <p className="intro">{intro}</p>}
      </header>
      {children}
    </section>
  );
}
