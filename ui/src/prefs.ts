// What the window remembers between starts, in localStorage: the theme the user
// chose, and where they were reading. Storage failures (private mode, quota) only
// mean nothing is remembered.
//
// Windows on different libraries share the webview's localStorage, and a thread id
// means a different thread (or none) in another library: what belongs to a library
// (the reading position, folded posts) is kept under a key naming the library's
// file (`threadmark.reading:/path/library.sqlite3`), set by setLibrary at start.

export type ThemeChoice = "system" | "light" | "dark";

const THEME_KEY = "threadmark.theme";
const READING_KEY = "threadmark.reading";

/** The library this window shows (its file), once known; "" until then. */
let library = "";

/** Keys of what belongs to a library are the library's from now on. The reading
 *  position kept before keys named a library goes to the first library that asks
 *  (a thread it does not hold opens the library instead). */
export function setLibrary(path: string): void {
  library = path;
  const legacy = read(READING_KEY);
  if (path && legacy !== null) {
    if (read(libraryKey(READING_KEY)) === null) write(libraryKey(READING_KEY), legacy);
    remove(READING_KEY);
  }
}

/** `key` for this window's library. */
export function libraryKey(key: string): string {
  return library ? `${key}:${library}` : key;
}

export function loadTheme(): ThemeChoice {
  const value = read(THEME_KEY);
  return value === "light" || value === "dark" ? value : "system";
}

export function saveTheme(choice: ThemeChoice): void {
  if (choice === "system") remove(THEME_KEY);
  else write(THEME_KEY, choice);
}

/** Where the reader is: a thread, the post at the top of the screen and how far
 *  into it the screen starts, and whether the thread was still open (false once
 *  they went back to the library). */
export interface Reading {
  thread: number;
  post: string | null;
  /** Pixels from the top of `post` down to the top of the window (negative: the post
   *  starts below it). */
  offset: number;
  open: boolean;
}

export function loadReading(): Reading | null {
  try {
    const value = JSON.parse(read(libraryKey(READING_KEY)) ?? "null") as Partial<Reading> | null;
    if (!value || typeof value.thread !== "number") return null;
    return {
      thread: value.thread,
      post: typeof value.post === "string" ? value.post : null,
      offset: typeof value.offset === "number" && Number.isFinite(value.offset) ? value.offset : 0,
      open: value.open === true,
    };
  } catch {
    return null;
  }
}

export function saveReading(reading: Reading | null): void {
  if (reading) write(libraryKey(READING_KEY), JSON.stringify(reading));
  else remove(libraryKey(READING_KEY));
}

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Nothing is remembered; the app works the same.
  }
}

function remove(key: string): void {
  try {
    localStorage.removeItem(key);
  } catch {
    // As above.
  }
}
