import { useEffect, useRef, useState, type ComponentType } from 'react';
import { Announcer } from './components/Announcer.js';
import { OpError } from './components/ErrorAlert.js';
import { SequenceDiagram } from './components/SequenceDiagram.js';
import { SettingsButton } from './components/SettingsDialog.js';
import { ShortcutsHelp } from './components/ShortcutsHelp.js';
import { Switch } from './components/Switch.js';
import { StepRail } from './components/StepRail.js';
import { Timeline } from './components/Timeline.js';
import { TokenScreen } from './components/TokenScreen.js';
import {
  KeptAsideNote,
  ProtectWorkspace,
  ReadOnlyStore,
  UnlockScreen,
} from './components/Workspace.js';
import { focusElement } from './components/use-result-focus.js';
import { useShortcuts } from './components/use-shortcuts.js';
import { AssertionStep } from './steps/AssertionStep.js';
import { AuthorizeStep } from './steps/AuthorizeStep.js';
import { DeviceStep } from './steps/DeviceStep.js';
import { DiscoveryStep } from './steps/DiscoveryStep.js';
import { InspectorStep } from './steps/InspectorStep.js';
import { KeysStep } from './steps/KeysStep.js';
import { ProfileStep } from './steps/ProfileStep.js';
import { RegistrationStep } from './steps/RegistrationStep.js';
import { ResourceStep } from './steps/ResourceStep.js';
import { ScopesStep } from './steps/ScopesStep.js';
import { TokenRequestStep } from './steps/TokenRequestStep.js';
import { TokensStep } from './steps/TokensStep.js';
import { useActiveProfile, useApp } from './store/index.js';
import type { StepId } from './store/steps.js';

const STEP_VIEWS: Record<StepId, ComponentType> = {
  profile: ProfileStep,
  discovery: DiscoveryStep,
  scopes: ScopesStep,
  registration: RegistrationStep,
  keys: KeysStep,
  assertion: AssertionStep,
  authorize: AuthorizeStep,
  device: DeviceStep,
  'token-request': TokenRequestStep,
  tokens: TokensStep,
  resource: ResourceStep,
  inspector: InspectorStep,
};

function ThemeToggle() {
  const theme = useApp((s) => s.theme);
  const toggleTheme = useApp((s) => s.toggleTheme);
  return (
    <button type="button" className="btn btn-secondary btn-small" onClick={toggleTheme}>
      {theme === 'dark' ? 'Light theme' : 'Dark theme'}
    </button>
  );
}

/** Guided and Presenter: the teaching switches (issue 12 §3), saved across restarts. */
function TeachingToggles() {
  const guided = useApp((s) => s.guided);
  const presenter = useApp((s) => s.presenter);
  const setGuided = useApp((s) => s.setGuided);
  const setPresenter = useApp((s) => s.setPresenter);
  return (
    <div className="teaching-toggles" role="group" aria-label="Teaching">
      <Switch label="Guided" checked={guided} onChange={setGuided} />
      <Switch label="Presenter" checked={presenter} onChange={setPresenter} />
    </div>
  );
}

/**
 * The diagram beside the Timeline: a panel that folds away in normal mode (the Timeline then
 * has the column), always open in presenter mode.
 */
function SidePanel() {
  const presenter = useApp((s) => s.presenter);
  const [open, setOpen] = useState(false);
  const shown = presenter || open;
  return (
    <div className={`side ${shown ? 'side-diagram-open' : ''}`}>
      {!presenter && (
        <button
          type="button"
          className="side-toggle"
          aria-expanded={open}
          aria-controls="side-diagram"
          onClick={() => setOpen(!open)}
        >
          <span aria-hidden="true">{open ? '▾' : '▸'}</span> Sequence diagram
        </button>
      )}
      {shown && (
        <div id="side-diagram" className="side-diagram">
          <SequenceDiagram title={presenter} />
        </div>
      )}
      <Timeline />
    </div>
  );
}

function ShortcutsButton() {
  const setShortcutsOpen = useApp((s) => s.setShortcutsOpen);
  return (
    <button
      type="button"
      className="btn btn-secondary btn-small"
      aria-keyshortcuts="?"
      onClick={() => setShortcutsOpen(true)}
    >
      Keyboard shortcuts
    </button>
  );
}

const headingOf = (step: StepId) => document.getElementById(`step-${step}-title`);

/** The first Tab stop of the page: jumps past the header and the rail to the step's heading. */
function SkipLink({ step }: { step: StepId }) {
  return (
    <a
      className="skip-link"
      href={`#step-${step}-title`}
      onClick={(e) => {
        e.preventDefault();
        const heading = headingOf(step);
        if (heading) focusElement(heading);
      }}
    >
      Skip to the step
    </a>
  );
}

/** Switching steps (rail, shortcut, a button in a step) moves focus to the new step's heading. */
function useStepFocus(step: StepId) {
  const shown = useRef(step);
  useEffect(() => {
    if (shown.current === step) return;
    shown.current = step;
    const heading = headingOf(step);
    if (heading) focusElement(heading);
  }, [step]);
}

function ActiveProfileName() {
  const profile = useActiveProfile();
  return (
    <p className="header-profile" title={profile ? `Profile: ${profile.name}` : undefined}>
      {profile ? (
        <>
          Profile: <strong>{profile.name}</strong>
        </>
      ) : (
        <span className="muted">No profile selected</span>
      )}
    </p>
  );
}

export function App() {
  const step = useApp((s) => s.step);
  const StepView = STEP_VIEWS[step];
  // A refused token (boot or a later call): the whole page is the token screen, no workspace.
  const refused = useApp(
    (s) => Object.values(s.ops).find((o) => o?.error?.code === 'FORBIDDEN')?.error ?? null,
  );
  const locked = useApp((s) => s.storage?.workspace.locked ?? false);
  const presenter = useApp((s) => s.presenter);
  const initTeaching = useApp((s) => s.initTeaching);
  useEffect(() => initTeaching(), [initTeaching]);
  useShortcuts();
  useStepFocus(step);
  // Large type everywhere (rem-based CSS): a class on the root element, removed with the app.
  useEffect(() => {
    document.documentElement.classList.toggle('presenter', presenter);
    return () => document.documentElement.classList.remove('presenter');
  }, [presenter]);
  if (refused) return <TokenScreen error={refused} />;
  // Locked: the secrets cannot be read, so the page is the unlock screen and nothing behind it.
  if (locked) return <UnlockScreen />;
  return (
    <div className={`app${presenter ? ' app-presenter' : ''}`}>
      <SkipLink step={step} />
      <header className="app-header">
        <h1 className="app-title">OAuth Flow Debugger</h1>
        <ActiveProfileName />
        <TeachingToggles />
        <ShortcutsButton />
        <SettingsButton />
        <ThemeToggle />
      </header>
      <StepRail />
      <main className="main">
        <OpError op="boot" />
        <ReadOnlyStore />
        <ProtectWorkspace />
        <KeptAsideNote />
        <StepView />
      </main>
      <SidePanel />
      <Announcer />
      <ShortcutsHelp />
    </div>
  );
}
