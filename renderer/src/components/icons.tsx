/** A few 16px stroke icons, inline so there is no icon font or extra request. Decorative: callers label buttons. */
import type { ReactNode } from 'react';

function Icon({ children, size = 14, weight = 1.5 }: { children: ReactNode; size?: number; weight?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth={weight}
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

export const UploadIcon = ({ size = 20 }: { size?: number }) => (
  <Icon size={size} weight={1.4}>
    <path d="M8 10.5V2.5M5 5.5l3-3 3 3M2.5 10v2.5a1 1 0 0 0 1 1h9a1 1 0 0 0 1-1V10" />
  </Icon>
);

export const GearIcon = ({ size = 14 }: { size?: number }) => (
  <Icon size={size} weight={1.4}>
    <circle cx="8" cy="8" r="2.1" />
    <path d="M8 1.8v1.6M8 12.6v1.6M1.8 8h1.6M12.6 8h1.6M3.6 3.6l1.1 1.1M11.3 11.3l1.1 1.1M3.6 12.4l1.1-1.1M11.3 4.7l1.1-1.1" />
  </Icon>
);
