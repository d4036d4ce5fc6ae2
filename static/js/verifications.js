// Let htmx show error fragments the server marks as meant for the reader
// (for example "this access could not be audited"); other errors keep htmx's default.
document.addEventListener("htmx:beforeSwap", function (event) {
  var xhr = event.detail.xhr;
  if (xhr.status >= 400 && xhr.getResponseHeader("X-Idvdash-Error-Fragment")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
