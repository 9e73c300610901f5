/**
 * The tests' OAuth2 server (mock-oauth2-server) on loopback, started in one place for every module's tests.
 * Outside OSGi only: not exported, and the bundle imports mock-oauth2-server's packages optionally (bnd.bnd).
 */
package dev.mailer.testsupport.oauth;
