// A file over the upload limit is refused in the browser, beside its field, before a byte
// is sent (the server refuses it too: see api/errors.py). Fields carry data-max-bytes.
(function () {
  function tooLarge(input) {
    var limit = Number(input.getAttribute("data-max-bytes"));
    var files = Array.prototype.slice.call(input.files || []);
    var big = files.filter(function (f) { return f.size > limit; });
    if (!big.length) return "";
    var size = function (n) {
      return n < 1e6 ? Math.ceil(n / 1e3) + " KB" : Math.round(n / 1e5) / 10 + " MB";
    };
    return big.map(function (f) { return f.name + " is " + size(f.size); }).join("; ") +
      ": the limit is " + size(limit) + ". Choose a smaller file.";
  }
  function show(input, message) {
    var field = input.closest(".field") || input.parentNode;
    var note = field.querySelector(".upload-limit");
    if (!message) {
      if (note) note.remove();
      field.classList.toggle("has-error", !!field.querySelector(".error"));
      return;
    }
    if (!note) {
      note = document.createElement("small");
      note.className = "error upload-limit";
      note.setAttribute("role", "alert");
      field.appendChild(note);
    }
    note.textContent = message;
    field.classList.add("has-error");
  }
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches && input.matches("input[type=file][data-max-bytes]")) show(input, tooLarge(input));
  });
  document.addEventListener("submit", function (event) {
    var inputs = event.target.querySelectorAll("input[type=file][data-max-bytes]");
    for (var i = 0; i < inputs.length; i++) {
      var message = tooLarge(inputs[i]);
      show(inputs[i], message);
      if (message) { event.preventDefault(); inputs[i].focus(); }
    }
  });
})();
