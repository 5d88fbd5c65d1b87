/** What every view needs: the messages of the chosen language, the store, who is signed in. */
import { createContext } from 'preact';
import { useContext, useEffect, useReducer, useState } from 'preact/hooks';
import type { Messages } from './i18n.js';
import type { ConsoleStore } from './store.js';
import type { ConsoleSettings, StaffUserView } from './types.js';

export interface ConsoleContext {
  t: Messages;
  store: ConsoleStore;
  me: StaffUserView;
  settings: ConsoleSettings;
  isAdmin: boolean;
}

export const Console = createContext<ConsoleContext | null>(null);

export function useConsole(): ConsoleContext {
  const value = useContext(Console);
  if (!value) throw new Error('useConsole outside the signed-in console');
  return value;
}

/** Re-renders on the store's topic. */
export function useTopic(store: ConsoleStore, topic: Parameters<ConsoleStore['on']>[0]): void {
  const [, setCount] = useState(0);
  useEffect(() => store.on(topic, () => setCount((n) => n + 1)), [store, topic]);
}

/** Re-renders every `ms` (wait badges and position ages move with the clock). */
export function useTick(ms: number): number {
  const [now, setNow] = useReducer((_: number, next: number) => next, Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}
