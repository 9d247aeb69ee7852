/** A file name from the profile's name: letters, digits and dashes (the desktop save dialog, the download). */
export function profileFileName(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${slug || 'profile'}.json`;
}
