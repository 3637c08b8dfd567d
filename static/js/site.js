// Behaviour every page may use, without inline script (the CSP allows scripts from 'self' only):
// - <form data-confirm="…">: ask before submitting;
// - <button data-print>: print the page.
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
}, true);
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) window.print();
});
