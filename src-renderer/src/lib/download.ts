/**
 * Saving files from the page: exports arrive from the API as text, plots are canvases. Both become a Blob
 * behind a temporary object URL and an <a download> click — a download, not a navigation, under Electron
 * (which asks where to save) and in a browser alike.
 */
export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoke after the click has been handled; the download keeps its own reference.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadText(fileName: string, text: string, type = 'text/plain'): void {
  downloadBlob(fileName, new Blob([text], { type: `${type};charset=utf-8` }));
}

/** A canvas as a PNG file. */
export function downloadCanvas(fileName: string, canvas: HTMLCanvasElement): Promise<void> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => {
      if (!blob) return reject(new Error('the plot could not be encoded as PNG'));
      downloadBlob(fileName.endsWith('.png') ? fileName : `${fileName}.png`, blob);
      resolve();
    }, 'image/png'),
  );
}
