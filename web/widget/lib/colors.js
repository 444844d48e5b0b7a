// Picks readable text colours for a commune's brand colour (WCAG AA, 4.5:1).

function parseHex(color) {
  const match = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(color || '').trim());
  if (!match) return null;
  let hex = match[1];
  if (hex.length === 3) hex = hex.split('').map((c) => c + c).join('');
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

function luminance([r, g, b]) {
  const channel = (v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

export function contrast(a, b) {
  const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
}

const WHITE = [255, 255, 255];
const INK = [26, 26, 26];

/**
 * Returns CSS custom properties for a brand colour: the colour itself, the text
 * colour to put on it, and a colour usable as text on white.
 */
export function themeFor(primary) {
  const rgb = parseHex(primary);
  if (!rgb) return {};
  const hex = `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  return {
    '--gw-primary': hex,
    '--gw-on-primary': contrast(rgb, WHITE) >= contrast(rgb, INK) ? '#ffffff' : '#1a1a1a',
    '--gw-primary-ink': contrast(rgb, WHITE) >= 4.5 ? hex : '#1a1a1a',
  };
}
