// What every screen provides to the router in main.ts.

export interface View {
  /** The screen's root element, placed in #app by the router. */
  readonly root: HTMLElement;
  /** Handles a key press that no text field took; returns true if it used the key. */
  onKey(event: KeyboardEvent): boolean;
  /** Moves keyboard focus into the screen once it is in the document. */
  focus(): void;
  /** Called when the screen is replaced: stop timers and listeners. */
  leave?(): void;
}
