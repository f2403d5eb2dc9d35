/**
 * JSON for the whole of GPUX, through Jackson: one configured {@link
 * com.fasterxml.jackson.databind.ObjectMapper} for reading and binding, and a tree writer on
 * Jackson's own generator and pretty printer for output, which needs no serializers (a short
 * command does not pay for setting them up).
 */
package io.gpux.json;
