// Running totals on the scoring sheet: per part and overall, as the member picks options.
// The server computes the same totals on every save (the page is correct without this file); a criterion that
// applies only when another reaches some points counts only then, and no part exceeds its maximum.
(function () {
  "use strict";
  var form = document.getElementById("score-form");
  if (!form) { return; }

  function points(input) {
    var value = parseFloat(input.getAttribute("data-points"));
    return isNaN(value) ? 0 : value;
  }

  function chosenPoints(fieldset) {
    var checked = fieldset.querySelector("input[type=radio]:checked");
    return checked ? points(checked) : 0;
  }

  function show(value) {
    return (Math.round(value * 100) / 100).toString();
  }

  function recompute() {
    var byCode = {};
    var parts = {};
    var criteria = form.querySelectorAll("fieldset.criterion");
    criteria.forEach(function (fieldset) {
      var code = fieldset.getAttribute("data-code");
      var value = chosenPoints(fieldset);
      var condition = fieldset.getAttribute("data-applies-criterion");
      var applies = true;
      if (condition) {
        var minimum = parseFloat(fieldset.getAttribute("data-applies-min")) || 0;
        applies = (byCode[condition] || 0) >= minimum;
      }
      fieldset.classList.toggle("not-applicable", !applies);
      byCode[code] = applies ? value : 0;
      var part = fieldset.getAttribute("data-part");
      parts[part] = (parts[part] || 0) + byCode[code];
    });
    var total = 0;
    form.querySelectorAll("output[data-part]").forEach(function (output) {
      var part = output.getAttribute("data-part");
      var maximum = parseFloat(output.getAttribute("data-max"));
      var value = parts[part] || 0;
      if (!isNaN(maximum)) { value = Math.min(value, maximum); }
      total += value;
      output.textContent = show(value);
    });
    var grand = document.getElementById("total-all");
    if (grand) { grand.textContent = show(total); }
  }

  form.addEventListener("change", function (event) {
    if (event.target && event.target.type === "radio") { recompute(); }
  });
  // Confirm before locking the sheet: a submitted sheet can no longer be changed.
  var submit = document.getElementById("submit-sheet");
  if (submit) {
    submit.addEventListener("click", function (event) {
      var message = form.getAttribute("data-confirm");
      if (message && !window.confirm(message)) { event.preventDefault(); }
    });
  }
  recompute();
})();
