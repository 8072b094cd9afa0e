// The card form of /events/bookings/{id}/pay/card/: Stripe.js collects the card in its own
// element and confirms the payment intent in the browser, so the card number never reaches
// Bluelamp. Then the page goes to the return address, where the server asks the gateway itself
// whether the payment went through (the browser's word is not taken for it).
(function () {
  "use strict";
  var form = document.getElementById("card-form");
  if (!form || typeof window.Stripe !== "function") {
    var missing = document.getElementById("card-unavailable");
    if (missing) missing.hidden = false;
    return;
  }
  var stripe = window.Stripe(form.dataset.publishableKey);
  var card = stripe.elements().create("card", { hidePostalCode: false });
  card.mount("#card-element");
  var errors = document.getElementById("card-errors");
  var button = form.querySelector("button[type=submit]");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    errors.textContent = "";
    stripe
      .confirmCardPayment(form.dataset.clientSecret, { payment_method: { card: card } })
      .then(function (result) {
        if (result.error) {
          errors.textContent = result.error.message || "The payment did not go through: check the card's details.";
          button.disabled = false;
          return;
        }
        window.location.assign(form.dataset.returnUrl);
      });
  });
})();
