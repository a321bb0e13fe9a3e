/**
 * Checks of template.yaml: that SAM CLI can build, invoke and serve it locally (the HTTP API's
 * routes, binary media types, each function's CodeUri, resolvable environment variables), that it
 * names the real handlers and zips, that it passes cfn-lint, and the SAM CLI check itself
 * (deploy/sam-check) where a source checkout of aws-sam-cli is at hand.
 */
package io.autotag.deploy;
