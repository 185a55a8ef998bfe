// Console helpers, served by the service itself (no CDN): block double taps on forms, confirm dangerous buttons.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var ask = form.getAttribute("data-confirm");
  if (ask && !window.confirm(ask)) { event.preventDefault(); return; }
  if (form.dataset.sent) { event.preventDefault(); return; }
  form.dataset.sent = "1";
  setTimeout(function () { delete form.dataset.sent; }, 4000);
});
