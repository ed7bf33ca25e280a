import { useEffect, useRef } from 'react';
import type { AppEvent, AppEventType } from '../../../common/contract';
import type { RendererClient } from '../client';

/**
 * Runs `onEvent` whenever main says shared state of this kind changed, in this window or any other (a kubeconfig
 * imported in another browser tab, a record whose connection just failed), for as long as the component is mounted.
 */
export function useAppEvent(client: RendererClient, type: AppEventType, onEvent: (event: AppEvent) => void): void {
  const latest = useRef(onEvent);
  useEffect(() => {
    latest.current = onEvent;
  });
  useEffect(
    () =>
      client.onAppEvent((event) => {
        if (event.type === type) latest.current(event);
      }),
    [client, type],
  );
}
