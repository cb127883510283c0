// The UI capability: a read-only web app over a run store (`self-evolve ui`).
export { type EpisodeFilters, parseFilters } from './episode-filters.js';
export { EpisodeIndex, type EpisodePage } from './episode-index.js';
export { type RunOverview, runOverview } from './run-overview.js';
export { type RunningUi, type StartUiOptions, startUi } from './start-ui.js';
export { createUiApp, type UiAppOptions } from './ui-app.js';
export { NotFoundError, StoreUnavailableError } from './ui-errors.js';
export { UiStore } from './ui-store.js';
