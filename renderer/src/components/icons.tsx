/** A few 16px stroke icons, inline so there is no icon font or extra request. Decorative: callers label buttons. */
import type { ReactNode } from 'react';

function Icon({ children, size = 14 }: { children: ReactNode; size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}

export const PlusIcon = () => (
  <Icon>
    <path d="M8 3v10M3 8h10" />
  </Icon>
);

export const EditIcon = () => (
  <Icon size={13}>
    <path d="M10.5 2.5l3 3L6 13H3v-3z" />
  </Icon>
);

export const TrashIcon = () => (
  <Icon size={13}>
    <path d="M2.5 4h11M6 4V2.5h4V4M4 4l.7 9.5h6.6L12 4" />
  </Icon>
);

export const CloseIcon = ({ size = 12 }: { size?: number }) => (
  <Icon size={size}>
    <path d="M4 4l8 8M12 4l-8 8" />
  </Icon>
);

export const SearchIcon = () => (
  <Icon size={13}>
    <circle cx="7" cy="7" r="4.5" />
    <path d="M10.5 10.5L14 14" />
  </Icon>
);

export const PromptIcon = ({ size = 16 }: { size?: number }) => (
  <Icon size={size}>
    <path d="M3 4.5l4 3.5-4 3.5M8.5 12h4.5" />
  </Icon>
);

export const KeyIcon = () => (
  <Icon size={16}>
    <circle cx="5" cy="11" r="2.5" />
    <path d="M7 9l6.5-6.5M11 5l1.5 1.5M12.5 3.5L14 5" />
  </Icon>
);
