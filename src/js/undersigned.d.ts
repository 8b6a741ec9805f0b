/** Configuration of one widget: the same keys as the `<undersigned-letter>` attributes. */
export interface UndersignedConfig {
  campaign?: string;
  endpoint?: string;
  lang?: string;
}

/** A mounted widget. */
export interface WidgetHandle {
  update(config: UndersignedConfig): void;
  unmount(): void;
}

/** Mounts a widget into `element`'s open shadow root. */
export function mount(element: HTMLElement, config?: UndersignedConfig): Promise<WidgetHandle>;
