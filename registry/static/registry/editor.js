/* Progressive enhancement of the draft editor; every page works without it.
   - "Добавить строку" clones the formset's empty row and bumps TOTAL_FORMS.
   - Legal act selects get a filter box that hides the options not matching what is typed. */
(function () {
  "use strict";

  function addRow(button) {
    var prefix = button.getAttribute("data-formset");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(prefix + "-empty");
    var list = document.querySelector('.rows__list[data-formset="' + prefix + '"]');
    if (!total || !template || !list) { return; }
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var row = holder.firstElementChild;
    var empty = list.querySelector("p.muted");
    if (empty) { empty.remove(); }
    list.appendChild(row);
    total.value = String(index + 1);
    enhanceActSelects(row);
    var first = row.querySelector("input:not([type=hidden]), select, textarea");
    if (first) { first.focus(); }
  }

  var filterCount = 0;
  function enhanceActSelects(root) {
    root.querySelectorAll('select[data-searchable="legal-act"]').forEach(function (select) {
      if (select.dataset.enhanced) { return; }
      select.dataset.enhanced = "1";
      filterCount += 1;
      var id = "act-filter-" + filterCount;
      var wrapper = document.createElement("div");
      wrapper.className = "act-filter";
      var label = document.createElement("label");
      label.setAttribute("for", id);
      label.textContent = "Фильтр списка актов";
      var input = document.createElement("input");
      input.type = "search";
      input.id = id;
      input.setAttribute("aria-controls", select.id);
      wrapper.appendChild(label);
      wrapper.appendChild(input);
      select.parentNode.insertBefore(wrapper, select);
      input.addEventListener("input", function () {
        var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
        Array.prototype.forEach.call(select.options, function (option) {
          if (!option.value || option.selected) { option.hidden = false; return; }
          var text = option.textContent.toLowerCase();
          option.hidden = !words.every(function (word) { return text.indexOf(word) !== -1; });
        });
      });
    });
  }

  document.querySelectorAll(".js-add-row").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { addRow(button); });
  });
  enhanceActSelects(document);

  var summary = document.getElementById("error-summary") || document.getElementById("conflict");
  if (summary) { summary.focus(); }
})();
