// The API reference: Swagger UI on this server's own OpenAPI schema, with nothing loaded from elsewhere
// (no validator badge, which would call out to a remote service).
"use strict";

window.addEventListener("DOMContentLoaded", () => {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    onComplete: () => { document.body.dataset.ready = "true"; },
  });
});
