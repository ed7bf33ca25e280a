/**
 * Toasts stand at the bottom right of the window, which is where the active tab's end bar ("Connection lost …
 * Reconnect") is. While that bar shows, toasts stand above it instead of covering its message and its button: the bar
 * publishes its height as a CSS variable that Toasts.css adds to the toasts' distance from the bottom. One element is
 * observed, so a flood of output in the terminal costs nothing here.
 */
import { useEffect, type RefObject } from 'react';

/** Read by Toasts.css. */
const TOAST_CLEARANCE_PROPERTY = '--toast-clearance';

/** While `active`, keeps toasts clear of `bar` (its height, updated as the bar grows, e.g. when attempts are shown). */
export function useToastClearance(bar: RefObject<HTMLElement | null>, active: boolean): void {
  useEffect(() => {
    const element = bar.current;
    if (!active || !element) return;
    const root = document.documentElement;
    const publish = () => root.style.setProperty(TOAST_CLEARANCE_PROPERTY, `${element.offsetHeight}px`);
    const observer = new ResizeObserver(publish);
    observer.observe(element);
    publish();
    return () => {
      observer.disconnect();
      root.style.removeProperty(TOAST_CLEARANCE_PROPERTY);
    };
  }, [bar, active]);
}
