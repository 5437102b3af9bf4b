// Fill the commune select from the units API when the province changes (the page also works without it).
(function () {
  document.querySelectorAll("select[data-communes-for]").forEach(function (province) {
    var commune = document.getElementById(province.getAttribute("data-communes-for"));
    if (!commune) { return; }
    province.addEventListener("change", function () {
      commune.innerHTML = "";
      var blank = document.createElement("option");
      blank.value = ""; blank.textContent = "—";
      commune.appendChild(blank);
      if (!province.value) { return; }
      var url = "/api/v1/units?level=commune&page_size=200&parent=" + encodeURIComponent(province.value);
      fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : {items: []}; })
        .then(function (body) {
          body.items.sort(function (a, b) { return a.name.localeCompare(b.name, "vi"); });
          body.items.forEach(function (unit) {
            var option = document.createElement("option");
            option.value = unit.code; option.textContent = unit.name;
            commune.appendChild(option);
          });
        });
    });
  });
})();
