// Search as you type: after a short pause, ask the catalogue API for the first few products and list them.
(function () {
  "use strict";
  var input = document.getElementById("catalog-q");
  var list = document.getElementById("catalog-suggestions");
  if (!input || !list || !window.fetch) { return; }
  var endpoint = input.getAttribute("data-suggest");
  var timer = null;
  var asked = "";

  function clear() { list.innerHTML = ""; list.hidden = true; }

  function show(items) {
    clear();
    items.forEach(function (item, index) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = item.url;
      a.id = "catalog-suggestion-" + index;
      a.setAttribute("role", "option");
      a.textContent = item.name + " ";
      var small = document.createElement("small");
      small.textContent = "★".repeat(item.stars || 0) + " · " + item.producer;
      a.appendChild(small);
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
  }

  function ask() {
    var q = input.value.trim();
    if (q.length < 2 || q === asked) { if (q.length < 2) { clear(); } return; }
    asked = q;
    fetch(endpoint + "?page_size=6&q=" + encodeURIComponent(q), { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { items: [] }; })
      .then(function (body) { if (input.value.trim() === q) { show(body.items || []); } })
      .catch(clear);
  }

  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 200); });
  input.addEventListener("keydown", function (event) {
    var links = list.querySelectorAll("a");
    if (event.key === "Escape") { clear(); return; }
    if (event.key === "ArrowDown" && links.length) { event.preventDefault(); links[0].focus(); }
  });
  list.addEventListener("keydown", function (event) {
    var links = Array.prototype.slice.call(list.querySelectorAll("a"));
    var at = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && at < links.length - 1) { event.preventDefault(); links[at + 1].focus(); }
    if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? links[at - 1] : input).focus(); }
    if (event.key === "Escape") { clear(); input.focus(); }
  });
  document.addEventListener("click", function (event) { if (!list.contains(event.target) && event.target !== input) { clear(); } });
}());
