/** A banner across the top when the way to the Podterm server is gone: everything else is now stale. */
export function ConnectionBanner({ message }: { message: string }) {
  return (
    <div className="connection-banner" role="alert">
      <span>{message}</span>
      <button type="button" className="btn btn-small" onClick={() => window.location.reload()}>
        Reload
      </button>
    </div>
  );
}
