/* backlog-audit HTML report: sorting, filtering and paging of the data tables.
 *
 * Progressive enhancement: without this script every table is complete and readable.
 * It only moves and hides existing rows and creates its own controls with textContent;
 * it never turns text from the page into markup or code.
 */
(function () {
  "use strict";

  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

  function sortValue(cell, numeric) {
    if (!cell) {
      return null;
    }
    if (numeric) {
      var raw = cell.getAttribute("data-v");
      return raw === null || raw === "" ? null : parseFloat(raw);
    }
    var text = cell.textContent.trim();
    return text === "" ? null : text;
  }

  function compare(a, b, numeric) {
    // Empty cells go last whichever way the column is sorted (handled by the caller).
    if (numeric) {
      return a - b;
    }
    return collator.compare(a, b);
  }

  function button(label, onClick) {
    var made = document.createElement("button");
    made.type = "button";
    made.textContent = label;
    made.addEventListener("click", onClick);
    return made;
  }

  function Enhanced(table) {
    this.table = table;
    this.body = table.tBodies[0];
    this.rows = Array.prototype.slice.call(this.body.rows);
    this.size = parseInt(table.getAttribute("data-page") || "0", 10);
    this.page = 0;
    this.query = "";
    this.addSorting();
    this.addTools();
    this.update();
  }

  Enhanced.prototype.addSorting = function () {
    var self = this;
    var headers = this.table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (th, index) {
      var sort = document.createElement("button");
      sort.type = "button";
      sort.className = "sort";
      while (th.firstChild) {
        sort.appendChild(th.firstChild);
      }
      th.appendChild(sort);
      sort.addEventListener("click", function () {
        self.sortBy(th, index);
      });
    });
  };

  Enhanced.prototype.sortBy = function (th, index) {
    var numeric = th.getAttribute("data-kind") === "num";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(this.table.tHead.rows[0].cells, function (other) {
      other.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var keyed = this.rows.map(function (row, position) {
      return { row: row, value: sortValue(row.cells[index], numeric), position: position };
    });
    keyed.sort(function (a, b) {
      if (a.value === null || b.value === null) {
        return a.value === b.value ? a.position - b.position : a.value === null ? 1 : -1;
      }
      var order = compare(a.value, b.value, numeric);
      return (ascending ? order : -order) || a.position - b.position;
    });
    this.rows = keyed.map(function (entry) {
      return entry.row;
    });
    var body = this.body;
    this.rows.forEach(function (row) {
      body.appendChild(row);
    });
    this.page = 0;
    this.update();
  };

  Enhanced.prototype.addTools = function () {
    var self = this;
    var wrap = this.table.parentNode;
    if (this.table.hasAttribute("data-filter")) {
      var tools = document.createElement("div");
      tools.className = "table-tools";
      var input = document.createElement("input");
      input.type = "search";
      input.placeholder = "Filter rows";
      input.setAttribute("aria-label", "Filter the rows of this table");
      input.addEventListener("input", function () {
        self.query = input.value.trim().toLowerCase();
        self.page = 0;
        self.update();
      });
      this.status = document.createElement("span");
      this.status.className = "table-status";
      this.status.setAttribute("aria-live", "polite");
      tools.appendChild(input);
      tools.appendChild(this.status);
      wrap.parentNode.insertBefore(tools, wrap);
    }
    if (this.size > 0 && this.rows.length > this.size) {
      this.pager = document.createElement("div");
      this.pager.className = "pager";
      this.previous = button("\u2190 Previous", function () {
        self.page -= 1;
        self.update();
      });
      this.position = document.createElement("span");
      this.next = button("Next \u2192", function () {
        self.page += 1;
        self.update();
      });
      this.pager.appendChild(this.previous);
      this.pager.appendChild(this.position);
      this.pager.appendChild(this.next);
      wrap.parentNode.insertBefore(this.pager, wrap.nextSibling);
    }
  };

  Enhanced.prototype.update = function () {
    var query = this.query;
    var matching = this.rows.filter(function (row) {
      var match = query === "" || row.textContent.toLowerCase().indexOf(query) !== -1;
      row.hidden = !match;
      if (!match) {
        row.classList.remove("pg-out"); // printed, a filtered-out row stays out
      }
      return match;
    });
    var pages = this.size > 0 ? Math.max(1, Math.ceil(matching.length / this.size)) : 1;
    this.page = Math.min(Math.max(this.page, 0), pages - 1);
    var first = this.page * this.size;
    var size = this.size;
    var page = this.page;
    matching.forEach(function (row, index) {
      var outside = size > 0 && Math.floor(index / size) !== page;
      row.classList.toggle("pg-out", outside);
    });
    if (this.status) {
      this.status.textContent =
        matching.length === this.rows.length
          ? this.rows.length.toLocaleString("en-US") + " rows"
          : matching.length.toLocaleString("en-US") + " of " +
            this.rows.length.toLocaleString("en-US") + " rows";
    }
    if (this.pager) {
      var last = Math.min(first + size, matching.length);
      this.position.textContent = matching.length
        ? "Rows " + (first + 1).toLocaleString("en-US") + "\u2013" +
          last.toLocaleString("en-US") + " of " + matching.length.toLocaleString("en-US")
        : "No rows";
      this.previous.disabled = this.page === 0;
      this.next.disabled = this.page >= pages - 1;
    }
  };

  Array.prototype.forEach.call(document.querySelectorAll("table.data"), function (table) {
    new Enhanced(table);
  });

  // Printed, folded sections (the definitions) open, so the paper says everything.
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (details) {
      details.open = true;
    });
  });

  document.documentElement.classList.add("js");
})();
