/**
 * Whether this page's WebGL runs on a hardware GPU. WebGL on a software rasterizer (Chromium's SwiftShader on a machine
 * without a GPU or with a blocklisted driver, Mesa's llvmpipe in a VM) works, but drew a flood in the terminal at
 * 0.6 MB/s where the DOM renderer drew 6.9 MB/s on the same machine (issue 11's measurement): the 'auto' renderer
 * setting asks here first. Asked once per page: the answer does not change while it lives, and each probe is a context.
 */

/** Renderer names of software rasterizers, as WEBGL_debug_renderer_info reports them. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render driver|lavapipe/i;

let answer: boolean | null = null;

export function hasHardwareWebgl(): boolean {
  answer ??= probe();
  return answer;
}

function probe(): boolean {
  const canvas = document.createElement('canvas');
  // failIfMajorPerformanceCaveat: the browser refuses the context where it would be much slower than native, which is
  // what a software rasterizer is; the renderer name catches browsers that grant it anyway.
  const gl = canvas.getContext('webgl2', { failIfMajorPerformanceCaveat: true });
  if (!gl) return false;
  try {
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : '';
    return !SOFTWARE_RENDERER.test(name);
  } finally {
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
}
