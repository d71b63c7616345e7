/* bibcite: sortable literature tables (tables rendered by the `literature-table` block).
 *
 * Each column heading becomes a button: click it, or press Enter or Space on it, to sort the
 * rows by that column (again to reverse); the heading's aria-sort says how the table is sorted.
 * "Not reported" cells always sort last. Without JavaScript the table reads in its default order.
 * A table wider than its box gets a note saying that it scrolls sideways.
 */
(function () {
  "use strict";

  var collator = new Intl.Collator(document.documentElement.lang || undefined, {
    numeric: true,
    sensitivity: "base",
  });

  // A word in the site's language: the page's JSON element #bibcite-words (written on the pages
  // of a site in another language than English), else the English one given.
  function word(name, english) {
    var element = document.getElementById("bibcite-words");
    if (element) {
      try {
        var words = JSON.parse(element.textContent);
        if (words && typeof words[name] === "string") return words[name];
      } catch (error) {
        // malformed: English
      }
    }
    return english;
  }

  function headings(table) {
    return Array.prototype.slice.call(table.tHead.rows[0].cells);
  }

  function value(row, column) {
    var cell = row.cells[column];
    if (!cell) return { missing: true, text: "" };
    var text = cell.getAttribute("data-sort") || cell.textContent || "";
    return {
      missing: cell.classList.contains("bibcite-not-reported"),
      text: text.replace(/\s+/g, " ").trim(),
    };
  }

  function compare(a, b) {
    var x = parseFloat(a.text);
    var y = parseFloat(b.text);
    if (!isNaN(x) && !isNaN(y) && x !== y) return x - y;
    return collator.compare(a.text, b.text);
  }

  function sort(table, column, direction) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (row, index) {
      if (!row.hasAttribute("data-bibcite-order")) row.setAttribute("data-bibcite-order", index);
    });
    var sign = direction === "ascending" ? 1 : -1;
    rows.sort(function (first, second) {
      var a = value(first, column);
      var b = value(second, column);
      if (a.missing !== b.missing) return a.missing ? 1 : -1;
      return (
        sign * compare(a, b) ||
        first.getAttribute("data-bibcite-order") - second.getAttribute("data-bibcite-order")
      );
    });
    rows.forEach(function (row) {
      body.appendChild(row);
    });
    headings(table).forEach(function (heading, index) {
      if (index === column) heading.setAttribute("aria-sort", direction);
      else heading.removeAttribute("aria-sort");
    });
  }

  function enhance(table) {
    if (table.hasAttribute("data-bibcite-sortable") || !table.tHead || !table.tBodies.length) return;
    table.setAttribute("data-bibcite-sortable", "");
    headings(table).forEach(function (heading, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "bibcite-sort";
      while (heading.firstChild) button.appendChild(heading.firstChild);
      var icon = document.createElement("span");
      icon.className = "bibcite-sort-icon";
      icon.setAttribute("aria-hidden", "true");
      button.appendChild(icon);
      heading.appendChild(button);
      button.addEventListener("click", function () {
        var next = heading.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        sort(table, column, next);
      });
    });
  }

  // A note under the caption of a table that scrolls sideways (and only while it does) saying
  // so: on a phone the columns beyond the box's edge are easy to miss. Screen readers, which read
  // the cells anyway, neither hear it nor find it in the table's name.
  function note(table) {
    var box = table.closest(".bibcite-table-scroll");
    if (!box || !table.caption || table.caption.querySelector(".bibcite-table-hint")) return;
    var hint = document.createElement("span");
    hint.className = "bibcite-table-hint";
    hint.setAttribute("aria-hidden", "true");
    hint.textContent = word(
      "table_scroll",
      "Scroll the table sideways to see all {count} columns."
    ).replace("{count}", headings(table).length);
    table.caption.appendChild(hint);
    function update() {
      hint.hidden = box.scrollWidth <= box.clientWidth + 1;
    }
    update();
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(update);
      observer.observe(box);
      observer.observe(table);
    } else {
      window.addEventListener("resize", update);
    }
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table.bibcite-table-table"), function (
      table
    ) {
      if (table.tHead) note(table);
      enhance(table);
    });
  }

  // Material's instant navigation swaps pages without reloading: it announces each on document$.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
