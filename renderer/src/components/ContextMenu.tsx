/** A small right-click menu: arrow keys move, Enter picks, Escape or a click elsewhere closes. */
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import './ContextMenu.css';

export interface MenuItem {
  label: string;
  onSelect(): void;
  danger?: boolean;
  shortcut?: string;
}

interface ContextMenuProps {
  x: number;
  y: number;
  items: MenuItem[];
  onClose(): void;
}

/** Keeps the menu this far from the window's edges when it would overflow. */
const EDGE_MARGIN = 4;

export function ContextMenu({ x, y, items, onClose }: ContextMenuProps) {
  const menu = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState({ left: x, top: y });
  const [active, setActive] = useState(0);

  useLayoutEffect(() => {
    const node = menu.current;
    if (!node) return;
    const { width, height } = node.getBoundingClientRect();
    setPosition({
      left: Math.max(EDGE_MARGIN, Math.min(x, window.innerWidth - width - EDGE_MARGIN)),
      top: Math.max(EDGE_MARGIN, Math.min(y, window.innerHeight - height - EDGE_MARGIN)),
    });
    node.focus();
  }, [x, y]);

  // The latest onClose, so the window listeners are registered once per menu, whatever callback the caller passes.
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });
  useEffect(() => {
    const dismiss = () => onCloseRef.current();
    const close = (event: Event) => {
      if (!(event.target instanceof Node) || !menu.current?.contains(event.target)) dismiss();
    };
    window.addEventListener('mousedown', close, true);
    window.addEventListener('blur', dismiss);
    window.addEventListener('resize', dismiss);
    return () => {
      window.removeEventListener('mousedown', close, true);
      window.removeEventListener('blur', dismiss);
      window.removeEventListener('resize', dismiss);
    };
  }, []);

  const pick = (item: MenuItem | undefined) => {
    if (!item) return;
    onClose();
    item.onSelect();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1 };
    if (event.key in moves) {
      setActive((index) => (index + (moves[event.key] ?? 0) + items.length) % items.length);
    } else if (event.key === 'Enter' || event.key === ' ') {
      pick(items[active]);
    } else if (event.key === 'Escape' || event.key === 'Tab') {
      onClose();
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
  };

  return (
    <div
      ref={menu}
      className="context-menu"
      role="menu"
      tabIndex={-1}
      style={{ left: position.left, top: position.top }}
      onKeyDown={onKeyDown}
    >
      {items.map((item, index) => (
        <div
          key={item.label}
          role="menuitem"
          className={`context-menu-item ${index === active ? 'active' : ''} ${item.danger ? 'danger' : ''}`}
          onMouseEnter={() => setActive(index)}
          onClick={() => pick(item)}
        >
          <span>{item.label}</span>
          {item.shortcut && <kbd>{item.shortcut}</kbd>}
        </div>
      ))}
    </div>
  );
}
