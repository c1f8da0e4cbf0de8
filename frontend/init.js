// CAP page scripts. Loaded as an ES module from our own origin (the CSP allows no inline
// script), so every browser that runs this file supports ES modules: that is the test
// GOV.UK Frontend's inline snippet makes before adding `govuk-frontend-supported`.
import { initAll as initGovukFrontend } from "./govuk-frontend.min.js";
import { initAll as initMojFrontend } from "./moj-frontend.min.js";
import { initTimeoutDialog } from "./timeout-dialog.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");

initGovukFrontend();
initMojFrontend();
initTimeoutDialog(document.querySelector('[data-module="cap-timeout-dialog"]'));
