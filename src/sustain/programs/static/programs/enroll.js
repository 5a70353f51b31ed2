// "Select all shown" on the enroll page: ticks or clears every person listed.
document.addEventListener("change", (event) => {
  if (!event.target.matches("[data-select-all]")) return;
  for (const box of document.querySelectorAll("input[name=people]")) box.checked = event.target.checked;
});
