/* bibcite: citation cards.
 *
 * Hovering, focusing (keyboard) or tapping a citation link (a.bibcite-ref) shows a card with the
 * full formatted reference and its links. The card's content is the reference's entry in the page's
 * reference list (the link's target), or, when the page has no list, the page's
 * <template class="bibcite-cards"> written by the plugin. Escape, a tap or click elsewhere, or
 * moving away closes it. Without JavaScript the citation stays a plain link to its reference.
 *
 * Works on any site; with Material for MkDocs it re-runs on every page its instant navigation
 * loads (document$).
 */
(function () {
  "use strict";

  var MARGIN = 8;        // px kept free between the card and the viewport's edges
  var GAP = 6;           // px between the citation and the card
  var OPEN_DELAY = 100;  // ms of hovering before the card opens
  var CLOSE_DELAY = 300; // ms to move the pointer from the citation into the card

  var card = null;       // the open card
  var owner = null;      // the citation link it describes
  var openTimer = 0;
  var closeTimer = 0;
  var sequence = 0;
  var refocusing = false; // focus moved back to the citation by Escape: do not reopen

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

  function citationOf(node) {
    return node && node.closest ? node.closest("a.bibcite-ref") : null;
  }

  function inCard(node) {
    return Boolean(card && node && card.contains(node));
  }

  // The title attribute is the no-JavaScript fallback: keep its text, remove the attribute so the
  // browser's (or the theme's) tooltip does not show over the card. Material's content.tooltips
  // has already bound a tooltip to each [title] element by now, so each link is replaced by a
  // copy without those listeners. The title was also the link's accessible description (the
  // reference, read out after "Reference 2"): the copy is described by a hidden element holding
  // the same text, one for each reference on the page.
  function setup() {
    close(false);
    var old = document.querySelector(".bibcite-descriptions");
    if (old) old.remove();
    var links = document.querySelectorAll("a.bibcite-ref[title]");
    if (!links.length) return;
    var descriptions = document.createElement("div");
    descriptions.className = "bibcite-descriptions";
    descriptions.hidden = true;
    var ids = {};
    for (var i = 0; i < links.length; i++) {
      var link = links[i];
      var text = link.getAttribute("title");
      if (!Object.prototype.hasOwnProperty.call(ids, text)) {
        var description = document.createElement("span");
        description.id = "bibcite-description-" + ++sequence;
        description.textContent = text;
        descriptions.appendChild(description);
        ids[text] = description.id;
      }
      var copy = link.cloneNode(true);
      copy.setAttribute("data-bibcite-text", text);
      copy.setAttribute("aria-describedby", ids[text]);
      copy.removeAttribute("title");
      link.replaceWith(copy);
    }
    document.body.appendChild(descriptions);
  }

  // The formatted reference for a link, as a node to copy from, or null.
  function source(link) {
    var id = "";
    try {
      id = decodeURIComponent(link.hash.slice(1));
    } catch (error) {
      id = link.hash.slice(1);
    }
    if (!id) return null;
    var templates = document.querySelectorAll("template.bibcite-cards");
    for (var i = 0; i < templates.length; i++) {
      var items = templates[i].content.querySelectorAll("[data-bibcite-ref]");
      for (var j = 0; j < items.length; j++) {
        if (items[j].getAttribute("data-bibcite-ref") === id) return items[j];
      }
    }
    var samePage = link.pathname === window.location.pathname;
    var target = samePage ? document.getElementById(id) : null;
    return target ? target.querySelector(".bibcite-entry") : null;
  }

  function build(link) {
    var element = document.createElement("span");
    element.className = "bibcite-card";
    element.id = "bibcite-card-" + ++sequence;
    element.setAttribute("role", "dialog");
    element.setAttribute(
      "aria-label",
      word("reference_number", "Reference {number}").replace("{number}", link.textContent.trim())
    );

    var body = document.createElement("span");
    body.className = "bibcite-card__body";
    var from = source(link);
    if (from) {
      for (var i = 0; i < from.childNodes.length; i++) {
        body.appendChild(from.childNodes[i].cloneNode(true));
      }
      var named = body.querySelectorAll("[id]");
      for (var j = 0; j < named.length; j++) named[j].removeAttribute("id");
    } else {
      body.textContent = link.getAttribute("data-bibcite-text") || "";
    }
    element.appendChild(body);

    var more = document.createElement("a");
    more.className = "bibcite-card__more";
    more.href = link.href;
    more.textContent = word("go_to_reference", "Go to reference {number} in the list").replace(
      "{number}",
      link.textContent.trim()
    );
    element.appendChild(more);
    return element;
  }

  function open(link) {
    clearTimeout(openTimer);
    clearTimeout(closeTimer);
    if (owner === link && card) return;
    close(false);
    owner = link;
    card = build(link);
    // Right after the citation, so Tab moves from the citation into the card's links. The link
    // stays described by its reference; the card is its details.
    link.after(card);
    link.setAttribute("aria-details", card.id);
    place();
    card.classList.add("bibcite-card--open");
  }

  function close(restoreFocus) {
    clearTimeout(openTimer);
    clearTimeout(closeTimer);
    if (!card) return;
    var link = owner;
    var hadFocus = card.contains(document.activeElement);
    card.remove();
    card = null;
    owner = null;
    if (link) {
      link.removeAttribute("aria-details");
      if (restoreFocus && hadFocus) {
        refocusing = true;
        link.focus();
        refocusing = false;
      }
    }
  }

  function closeSoon() {
    clearTimeout(openTimer);
    clearTimeout(closeTimer);
    closeTimer = setTimeout(function () {
      close(false);
    }, CLOSE_DELAY);
  }

  // Below the citation, or above it when there is more room there; always inside the viewport.
  function place() {
    if (!card || !owner) return;
    var viewport = document.documentElement.clientWidth;
    var height = window.innerHeight;
    card.style.maxWidth = "min(32rem, " + Math.max(0, viewport - 2 * MARGIN) + "px)";
    card.style.maxHeight = Math.max(0, height - 2 * MARGIN) + "px";
    var anchor = owner.getBoundingClientRect();
    var width = card.offsetWidth;
    var tall = card.offsetHeight;
    var left = anchor.left + anchor.width / 2 - width / 2;
    left = Math.max(MARGIN, Math.min(left, viewport - width - MARGIN));
    var below = anchor.bottom + GAP;
    var above = anchor.top - GAP - tall;
    var top = below;
    if (below + tall > height - MARGIN) {
      top = above >= MARGIN || anchor.top > height - anchor.bottom ? above : below;
    }
    top = Math.max(MARGIN, Math.min(top, height - tall - MARGIN));
    card.style.left = left + "px";
    card.style.top = top + "px";
  }

  document.addEventListener("pointerover", function (event) {
    if (event.pointerType !== "mouse") return;
    var link = citationOf(event.target);
    if (link) {
      clearTimeout(closeTimer);
      if (owner !== link) {
        clearTimeout(openTimer);
        openTimer = setTimeout(function () {
          open(link);
        }, OPEN_DELAY);
      }
    } else if (inCard(event.target)) {
      clearTimeout(closeTimer);
    }
  });

  document.addEventListener("pointerout", function (event) {
    if (event.pointerType !== "mouse") return;
    var from = citationOf(event.target) || (inCard(event.target) ? card : null);
    if (!from) return;
    var to = event.relatedTarget;
    if (to && (citationOf(to) === owner || inCard(to))) return;
    clearTimeout(openTimer);
    if (card) closeSoon();
  });

  document.addEventListener("focusin", function (event) {
    var link = citationOf(event.target);
    if (link && !refocusing && link.matches(":focus-visible")) {
      open(link);
    } else if (inCard(event.target)) {
      clearTimeout(closeTimer);
    } else if (card && !link) {
      close(false);
    }
  });

  document.addEventListener("focusout", function (event) {
    if (!card) return;
    var to = event.relatedTarget;
    var leaving = event.target === owner || inCard(event.target);
    if (leaving && to && to !== owner && !inCard(to)) close(false);
  });

  // A tap on a citation opens its card; a second tap on it follows the link.
  document.addEventListener("click", function (event) {
    var link = citationOf(event.target);
    if (!link) return;
    var touch = event.pointerType === "touch" || event.pointerType === "pen";
    if (touch && owner !== link) {
      event.preventDefault();
      open(link);
    }
  });

  // A tap or click anywhere else closes the card.
  document.addEventListener(
    "pointerdown",
    function (event) {
      if (card && !inCard(event.target) && citationOf(event.target) !== owner) close(false);
    },
    true
  );

  document.addEventListener("keydown", function (event) {
    if (card && (event.key === "Escape" || event.key === "Esc")) {
      event.preventDefault();
      close(true);
    }
  });

  window.addEventListener("hashchange", function () {
    close(false);
  });
  window.addEventListener("resize", place);
  window.addEventListener("scroll", place, { passive: true, capture: true });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
