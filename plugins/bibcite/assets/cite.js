/* bibcite: the "Copy citation" button of the "Cite this" block.
 *
 * The button (hidden without JavaScript) copies the text of the element its data-bibcite-copy
 * names, and says so in the block's status line (read out by screen readers). One listener on
 * the document, so pages loaded by Material's instant navigation work too.
 */
(function () {
  "use strict";

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

  function reveal() {
    document.querySelectorAll("button[data-bibcite-copy]").forEach(function (button) {
      button.hidden = false;
    });
  }

  function say(button, message) {
    var status = button.parentNode.querySelector(".bibcite-copy-status");
    if (status) status.textContent = message;
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var done = document.execCommand("copy");
      area.remove();
      if (done) resolve();
      else reject(new Error("copy refused"));
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-bibcite-copy]");
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-bibcite-copy"));
    if (!source) return;
    var text = source.textContent.replace(/\s+/g, " ").trim();
    copy(text).then(
      function () {
        say(button, word("copied", "Citation copied to the clipboard."));
      },
      function () {
        var message = word(
          "copy_failed",
          "Could not copy: select the citation and copy it by hand."
        );
        say(button, message);
      }
    );
  });

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(reveal);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", reveal);
  } else {
    reveal();
  }
})();
