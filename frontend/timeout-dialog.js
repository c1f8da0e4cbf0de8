// The GOV.UK time-out warning. A signed-in page carries a closed <dialog> (templates/
// base.html) whose data attributes say how long the session lasts without a request, how
// long before that to warn, and what is left of the absolute limit. This opens it in time,
// counts down, keeps the session on "Stay signed in" (or Escape) and signs the person out
// when the time runs out. Without this script nothing shows and the server ends the
// session all the same (accounts/middleware.py).

// Screen readers hear the countdown when it changes by this much, not every second.
const SPOKEN_STEP_SECONDS = 20;

function words(seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

export function initTimeoutDialog(dialog) {
  if (!dialog || typeof dialog.showModal !== "function") return;
  const idleMs = Number(dialog.dataset.idleSeconds) * 1000;
  const warningMs = Number(dialog.dataset.warningSeconds) * 1000;
  const limitAt = Date.now() + Number(dialog.dataset.limitSecondsLeft) * 1000;
  let idleAt = Date.now() + idleMs;

  const heading = dialog.querySelector("h2");
  const countdown = dialog.querySelector("[data-cap-timeout-countdown]");
  const spoken = dialog.querySelector("[data-cap-timeout-spoken]");
  const stay = dialog.querySelector("[data-cap-timeout-stay]");
  const signOutForm = dialog.querySelector("[data-cap-timeout-sign-out]");
  const token = signOutForm.querySelector("[name=csrfmiddlewaretoken]").value;
  const stayLabel = stay.textContent;

  let timer = null;
  let lastSpoken = "";
  let returnFocus = null;
  // The absolute limit cannot be extended: once its warning is read, it is not shown again.
  let limitWarned = false;

  const endsBy = () => (limitAt < idleAt ? "limit" : "idle");
  const secondsLeft = () => Math.max(0, Math.ceil((Math.min(idleAt, limitAt) - Date.now()) / 1000));

  function show(left, opening = false) {
    countdown.textContent = words(left);
    // Spoken on opening, then at each step (the minutes above one minute), and only when
    // the words change: "2 minutes", "1 minute", "40 seconds", "20 seconds".
    if (!opening && left % SPOKEN_STEP_SECONDS !== 0) return;
    const sentence = `We will sign you out in ${words(left)}.`;
    if (sentence !== lastSpoken) {
      spoken.textContent = sentence;
      lastSpoken = sentence;
    }
  }

  function open(left) {
    const ending = endsBy();
    for (const part of dialog.querySelectorAll("[data-cap-timeout-when]")) {
      part.hidden = part.dataset.capTimeoutWhen !== ending;
    }
    stay.textContent = ending === "limit" ? stay.dataset.limitLabel : stayLabel;
    returnFocus = document.activeElement;
    lastSpoken = "";
    show(left, true);
    dialog.showModal();
    heading.focus();
  }

  function close() {
    dialog.close();
    if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
  }

  function signOut() {
    clearInterval(timer);
    signOutForm.elements.ended.value = endsBy();
    signOutForm.submit();
  }

  async function staySignedIn() {
    if (endsBy() === "limit") {
      limitWarned = true;
      close();
      return;
    }
    let response;
    try {
      response = await fetch(dialog.dataset.extendUrl, {
        method: "POST",
        headers: { "X-CSRFToken": token },
        credentials: "same-origin",
      });
    } catch {
      return; // no connection: the dialog stays open, to try again
    }
    if (response.status === 204) {
      idleAt = Date.now() + idleMs;
      close();
    } else {
      signOut(); // the session has already ended: the sign-in page says so
    }
  }

  function tick() {
    const left = secondsLeft();
    if (left === 0) {
      signOut();
    } else if (dialog.open) {
      show(left);
    } else if (left * 1000 <= warningMs && !(endsBy() === "limit" && limitWarned)) {
      open(left);
    }
  }

  stay.addEventListener("click", staySignedIn);
  // Escape keeps the person signed in, as "Stay signed in" does.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    staySignedIn();
  });
  timer = setInterval(tick, 1000);
}
