/**
 * Configuration of one widget: the same keys as the `<undersigned-letter>` attributes. Every key is
 * documented in the README table "Attributes and config"; the source of truth is `WidgetConfig`
 * in `src/config.rs`. Values may be strings (as attributes are) or the typed values shown.
 */
export interface UndersignedConfig {
  /** URL of a campaign JSON to show instead of the built-in campaign. */
  campaign?: string;
  /** URL the sign-on form posts to. */
  endpoint?: string;
  /** Language tag (BCP 47) of the widget's strings; default: the closest `lang` around it, then the browser's. */
  lang?: string;
  /** Colour theme; `auto` follows the visitor's system setting. Default `light`. */
  theme?: 'light' | 'dark' | 'auto';
  /** Base URL of a reference receiver: the form posts there without `endpoint`; the live list follows its events and signer list. */
  receiver?: string;
  /** How signatures are sent (docs/wire-format.md). Default `json`. */
  encoding?: 'json' | 'form' | 'text';
  /** For `form`: field names the endpoint expects, e.g. `email:EMAIL,name:FNAME`. */
  'field-map'?: string;
  /** `off` (with `form` or `text`) sends without CORS; the opaque answer counts as delivered. Default `on`. */
  cors?: 'on' | 'off';
  /** Sent with every signature as `source`. */
  source?: string;
  /** Page the visitor is taken to after signing. */
  redirect?: string;
  /** The privacy line under the form (who receives the data). */
  privacy?: string;
  /** Link to the organizers' privacy notice. */
  'privacy-url'?: string;
  /** URL of a static status feed JSON to poll instead of a receiver's stream. */
  'status-feed'?: string;
  /** Seconds between two polls of `status-feed` (default 60, at least 1). */
  'status-poll-interval'?: number | string;
  /** The number of signatures aimed for: a goal bar under the signer count. */
  goal?: number | string;
}

/** A mounted widget. */
export interface WidgetHandle {
  /** Applies a new configuration; throws (naming the key) on an invalid value and keeps the old one.
   * When the new configuration leads to a language whose strings are not loaded yet, they are
   * fetched first and the promise returned settles once the update is applied. */
  update(config: UndersignedConfig): void | Promise<void>;
  /** Removes the widget and stops its timers and connections. */
  unmount(): void;
}

/**
 * Mounts a widget into `element`'s open shadow root (attached when missing). Rejects, naming the
 * key, when the config is invalid. For `<undersigned-letter>` elements use attributes instead: the
 * element mounts itself.
 */
export function mount(element: HTMLElement, config?: UndersignedConfig): Promise<WidgetHandle>;
