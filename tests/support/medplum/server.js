#!/usr/bin/env node
// A third-party FHIR R4 server for iomtsim's tests: Medplum's FHIR router (@medplum/fhir-router
// 4.5.2) with its in-memory repository, behind a thin Node HTTP wrapper. The FHIR work (create,
// conditional create on If-None-Exist, read, search with _lastUpdated/_sort/_count/_offset,
// batch and transaction Bundles) is Medplum's; the wrapper adds what a deployment puts in front
// of or behind such a server, each switched on by an option, so tests can show iomtsim copes:
//
//   --port N                 listen on 127.0.0.1:N (0: ephemeral); prints {"ready":true,"port":P}
//   --base PATH              FHIR base path (default /fhir)
//   --token T                require "Authorization: Bearer T" (repeatable); issued tokens also pass
//   --client-id ID --client-secret S
//                            POST /oauth2/token grants client_credentials for ID/S, sent as
//                            client_secret_basic or client_secret_post
//   --smart-client-id ID --jwks FILE | --public-key FILE
//                            POST /oauth2/token grants SMART Backend Services: a client_assertion
//                            JWT (RS384 or ES384) verified with Node's crypto against the JWKS
//                            (by kid) or the PEM public key; iss = sub = ID, aud = this token
//                            endpoint's URL, exp within 5 minutes, jti never seen before
//   --token-lifetime S       expires_in of issued tokens (default 300); expired tokens get 401
//   --check-references       refuse (400) an Observation whose subject Patient does not exist
//   --validate               check every resource created or updated (each entry of a batch
//                            or transaction too) with Medplum's validateResource, as Medplum's
//                            own server does on write (the in-memory repository does not):
//                            refuse (400) with its OperationOutcome
//   --reset-after-store F    for a fraction F of requests that stored Observations, destroy the
//                            connection after storing instead of answering (seeded: --seed N)
//   --analytics SPEC         raise an alert resource when an Observation crosses a threshold:
//                            SPEC is "LOINC>VALUE" or "LOINC<VALUE" rules separated by ';', e.g.
//                            "8867-4>120;59408-5<90"; once per patient and rule each time the
//                            value crosses into the range
//   --analytics-resource R   Flag (default), DetectedIssue, RiskAssessment, Communication or
//                            CommunicationRequest; it references the Observation by id
//   --subscriptions          R4 rest-hook Subscriptions: resources created that match an active
//                            Subscription's criteria are POSTed to its endpoint with its headers
//   --quiet                  no request log on stderr
// Faults after acknowledging (the chart read-back's tests), each a deterministic fraction F of
// the stored Observations chosen by their urn:iomtsim:reading identifier, applied before the
// 201 goes out; disjoint (drop first, then duplicate, then alter):
//   --chart-drop F           delete the Observation: acknowledged, never in the record
//   --chart-duplicate F      store a second copy of it
//   --chart-alter F          change one field: value, unit, code, subject or effective time,
//                            chosen by the identifier too (value and unit only where there is
//                            a valueQuantity, else the effective time)
//   stats: chart_faults {dropped, duplicated, altered: {value, unit, code, subject, effective_time}}
// GET /_stats (never authenticated) answers counters as JSON: requests by route, observations
// stored, duplicates (an Observation stored again with an urn:iomtsim:reading identifier already
// stored), alerts raised, resets, tokens issued, auth failures, refused references, notifications,
// resources refused by --validate (invalid).
'use strict';
const http = require('http');
const crypto = require('crypto');
const fs = require('fs');
const core = require('@medplum/core');
const { FhirRouter, MemoryRepository } = require('@medplum/fhir-router');
const definitions = require('./definitions');

// ---- options --------------------------------------------------------------------------------
function parseArgs(argv) {
  const o = {
    port: 0, base: '/fhir', tokens: [], clientId: null, clientSecret: null, smartClientId: null,
    jwks: null, publicKey: null, tokenLifetime: 300, checkReferences: false, resetAfterStore: 0,
    seed: 1, analytics: [], analyticsResource: 'Flag', subscriptions: false, quiet: false,
    validate: false,
  };
  for (let i = 2; i < argv.length; ++i) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--port': o.port = Number(next()); break;
      case '--base': o.base = next().replace(/\/$/, ''); break;
      case '--token': o.tokens.push(next()); break;
      case '--client-id': o.clientId = next(); break;
      case '--client-secret': o.clientSecret = next(); break;
      case '--smart-client-id': o.smartClientId = next(); break;
      case '--jwks': o.jwks = JSON.parse(fs.readFileSync(next(), 'utf8')); break;
      case '--public-key': o.publicKey = crypto.createPublicKey(fs.readFileSync(next(), 'utf8')); break;
      case '--token-lifetime': o.tokenLifetime = Number(next()); break;
      case '--check-references': o.checkReferences = true; break;
      case '--validate': o.validate = true; break;
      case '--reset-after-store': o.resetAfterStore = Number(next()); break;
      case '--seed': o.seed = Number(next()); break;
      case '--analytics': o.analytics = parseRules(next()); break;
      case '--analytics-resource': o.analyticsResource = next(); break;
      case '--subscriptions': o.subscriptions = true; break;
      case '--quiet': o.quiet = true; break;
      default: throw new Error(`unknown option ${a}`);
    }
  }
  return o;
}

function parseRules(spec) {
  return spec.split(';').filter((s) => s.trim()).map((s) => {
    const m = /^\s*([0-9A-Za-z-]+)\s*([<>])\s*(-?[0-9.]+)\s*$/.exec(s);
    if (!m) throw new Error(`bad analytics rule '${s}': want LOINC>VALUE or LOINC<VALUE`);
    return { code: m[1], above: m[2] === '>', threshold: Number(m[3]), name: `${m[1]}${m[2]}${m[3]}` };
  });
}

// ---- chart faults (see the header): their own options, taken out before parseArgs --------
const chartFaults = { drop: 0, duplicate: 0, alter: 0 };
const chartFaultStats = {
  dropped: 0, duplicated: 0, altered: { value: 0, unit: 0, code: 0, subject: 0, effective_time: 0 },
};
for (let i = 2; i < process.argv.length;) {
  const m = /^--chart-(drop|duplicate|alter)$/.exec(process.argv[i]);
  if (!m) { ++i; continue; }
  const f = Number(process.argv[i + 1]);
  if (!(f >= 0 && f <= 1)) throw new Error(`${process.argv[i]} wants a fraction 0..1`);
  chartFaults[m[1]] = f;
  process.argv.splice(i, 2);
}

function identifierHash(text, salt) {  // FNV-1a, 32 bits: the same choice for an identifier every run
  let h = 0x811c9dc5 ^ salt;
  for (let i = 0; i < text.length; ++i) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

async function applyChartFaults(stored) {
  for (const r of stored) {
    if (r.resourceType !== 'Observation') continue;
    const id = readingIdentifier(r);
    if (id === null) continue;
    const u = identifierHash(id, 0) / 4294967296;
    if (u < chartFaults.drop) {
      await repo.deleteResource('Observation', r.id);
      chartFaultStats.dropped++;
    } else if (u < chartFaults.drop + chartFaults.duplicate) {
      const copy = JSON.parse(JSON.stringify(r));
      delete copy.id;
      delete copy.meta;
      await repo.createResource(copy);
      chartFaultStats.duplicated++;
    } else if (u < chartFaults.drop + chartFaults.duplicate + chartFaults.alter) {
      const kinds = ['value', 'unit', 'code', 'subject', 'effective_time'];
      let kind = kinds[identifierHash(id, 0x5bd1e995) % kinds.length];
      const q = r.valueQuantity && typeof r.valueQuantity.value === 'number';
      if ((kind === 'value' || kind === 'unit') && !q) kind = 'effective_time';
      const a = JSON.parse(JSON.stringify(r));
      if (kind === 'value') a.valueQuantity.value += 10;
      if (kind === 'unit') a.valueQuantity = { ...a.valueQuantity, unit: 'altered', code: 'altered' };
      if (kind === 'code') a.code = { coding: [{ system: 'http://loinc.org', code: '00000-0' }] };
      if (kind === 'subject') a.subject = { reference: 'Patient/altered-subject' };
      if (kind === 'effective_time') {
        a.effectiveDateTime = new Date(Date.parse(a.effectiveDateTime) + 3600 * 1000).toISOString();
      }
      await repo.updateResource(a);
      chartFaultStats.altered[kind]++;
    }
  }
}

// With faults on, FHIR requests run one at a time: a search never sees an Observation between
// its storing and its fault (deleted, copied or altered before the 201 goes out).
const chartFaultsOn = chartFaults.drop + chartFaults.duplicate + chartFaults.alter > 0;
let chartLock = Promise.resolve();
function serialised(fn) {
  const run = chartLock.then(fn, fn);
  chartLock = run.catch(() => {});
  return run;
}

const opts = parseArgs(process.argv);
const authRequired = opts.tokens.length > 0 || opts.clientId !== null || opts.smartClientId !== null;

// ---- state ----------------------------------------------------------------------------------
definitions.load();
const router = new FhirRouter();
const repo = new MemoryRepository();
const stats = {
  requests: 0, by_route: {}, observations_stored: 0, duplicates: 0, alerts_raised: 0, resets: 0,
  tokens_issued: 0, auth_failures: 0, refused_references: 0, notifications: 0,
  notification_failures: 0, invalid: 0,
};
const issued = new Map();  // access token -> expiry (ms since epoch)
const seenJti = new Set();
const readingIds = new Set();  // urn:iomtsim:reading identifiers stored
const beyond = new Map();      // `${patient}|${rule}` -> in range at the last reading
let rng = (opts.seed >>> 0) || 1;
function random() {  // xorshift32: resets are reproducible for a seed
  rng ^= rng << 13; rng >>>= 0;
  rng ^= rng >>> 17;
  rng ^= rng << 5; rng >>>= 0;
  return rng / 4294967296;
}

// ---- helpers --------------------------------------------------------------------------------
function outcome(code, diagnostics) {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] };
}

function send(res, status, body, headers = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/fhir+json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function unauthorized(res, error, description) {
  stats.auth_failures++;
  send(res, 401, outcome('login', description), {
    'WWW-Authenticate': `Bearer error="${error}", error_description="${description}"`,
  });
}

function b64urlJson(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

// ---- the token endpoint ---------------------------------------------------------------------
function tokenError(res, status, error, description) {
  stats.auth_failures++;
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify({ error, error_description: description }));
}

function verifyAssertion(jwt, audience) {
  const parts = jwt.split('.');
  if (parts.length !== 3) return 'client_assertion is not a JWS compact serialisation';
  let header, claims;
  try {
    header = b64urlJson(parts[0]);
    claims = b64urlJson(parts[1]);
  } catch {
    return 'client_assertion header or claims are not base64url JSON';
  }
  let key = opts.publicKey;
  if (opts.jwks) {
    const jwk = (opts.jwks.keys || []).find((k) => !header.kid || k.kid === header.kid);
    if (!jwk) return `no key with kid '${header.kid}' in the JWKS`;
    key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
  }
  if (!key) return 'no public key configured';
  const data = Buffer.from(`${parts[0]}.${parts[1]}`);
  const sig = Buffer.from(parts[2], 'base64url');
  let ok = false;
  if (header.alg === 'RS384') {
    ok = crypto.verify('sha384', data, key, sig);
  } else if (header.alg === 'ES384') {
    // JWS ECDSA signatures are r || s (IEEE P1363), not DER.
    ok = crypto.verify('sha384', data, { key, dsaEncoding: 'ieee-p1363' }, sig);
  } else {
    return `alg ${header.alg} is not RS384 or ES384`;
  }
  if (!ok) return 'client_assertion signature does not verify';
  const now = Math.floor(Date.now() / 1000);
  if (claims.iss !== opts.smartClientId || claims.sub !== opts.smartClientId) return 'iss and sub must be the client id';
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(audience)) return `aud must be ${audience}`;
  if (typeof claims.exp !== 'number' || claims.exp <= now) return 'client_assertion expired';
  if (claims.exp > now + 300) return 'client_assertion exp more than 5 minutes ahead';
  if (!claims.jti) return 'client_assertion has no jti';
  if (seenJti.has(claims.jti)) return 'client_assertion jti replayed';
  seenJti.add(claims.jti);
  return null;
}

function token(req, res, body) {
  const form = new URLSearchParams(body.toString('utf8'));
  if (form.get('grant_type') !== 'client_credentials') {
    return tokenError(res, 400, 'unsupported_grant_type', 'grant_type must be client_credentials');
  }
  let client = null;
  const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization || '');
  if (form.get('client_assertion_type') === 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
    if (!opts.smartClientId) return tokenError(res, 400, 'invalid_client', 'no SMART backend client configured');
    const why = verifyAssertion(form.get('client_assertion') || '', `http://${req.headers.host}/oauth2/token`);
    if (why) return tokenError(res, 401, 'invalid_client', why);
    client = opts.smartClientId;
  } else if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const id = decodeURIComponent(decoded.slice(0, colon));
    const secret = decodeURIComponent(decoded.slice(colon + 1));
    if (!opts.clientId || id !== opts.clientId || secret !== opts.clientSecret) {
      return tokenError(res, 401, 'invalid_client', 'client id or secret is wrong (client_secret_basic)');
    }
    client = id;
  } else if (form.get('client_id') !== null) {
    if (!opts.clientId || form.get('client_id') !== opts.clientId || form.get('client_secret') !== opts.clientSecret) {
      return tokenError(res, 401, 'invalid_client', 'client id or secret is wrong (client_secret_post)');
    }
    client = opts.clientId;
  } else {
    return tokenError(res, 401, 'invalid_client', 'no client authentication');
  }
  const access = crypto.randomBytes(24).toString('base64url');
  issued.set(access, Date.now() + opts.tokenLifetime * 1000);
  stats.tokens_issued++;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify({
    access_token: access, token_type: 'bearer', expires_in: opts.tokenLifetime,
    scope: form.get('scope') || 'system/*.*', client,
  }));
}

function checkBearer(req, res) {
  if (!authRequired) return true;
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization || '');
  if (!m) {
    unauthorized(res, 'invalid_request', 'missing bearer token');
    return false;
  }
  if (opts.tokens.includes(m[1])) return true;
  const expiry = issued.get(m[1]);
  if (expiry === undefined) {
    unauthorized(res, 'invalid_token', 'unknown bearer token');
    return false;
  }
  if (expiry <= Date.now()) {
    unauthorized(res, 'invalid_token', 'bearer token expired');
    return false;
  }
  return true;
}

// ---- what a pipeline adds around the store --------------------------------------------------
function observationsIn(body) {
  if (!body || typeof body !== 'object') return [];
  if (body.resourceType === 'Observation') return [body];
  if (body.resourceType === 'Bundle') {
    return (body.entry || []).map((e) => e.resource).filter((r) => r && r.resourceType === 'Observation');
  }
  return [];
}

async function missingSubject(observations) {
  for (const o of observations) {
    const ref = o.subject && o.subject.reference;
    const m = /^Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(ref || '');
    if (!m) return `Observation.subject '${ref}' is not a Patient reference`;
    try {
      await repo.readResource('Patient', m[1]);
    } catch {
      return `Observation.subject ${ref} does not exist (referential integrity)`;
    }
  }
  return null;
}

function readingIdentifier(o) {
  const id = (o.identifier || []).find((i) => i.system === 'urn:iomtsim:reading');
  return id ? id.value : null;
}

function noteStored(o) {
  stats.observations_stored++;
  const id = readingIdentifier(o);
  if (id === null) return;
  if (readingIds.has(id)) stats.duplicates++;
  else readingIds.add(id);
}

function numericValue(o) {
  if (o.valueQuantity && typeof o.valueQuantity.value === 'number') return o.valueQuantity.value;
  return null;
}

function alertResource(kind, o, rule) {
  const now = new Date().toISOString();
  const subject = { reference: o.subject.reference };
  const evidence = { reference: `Observation/${o.id}` };
  const code = { coding: [{ system: 'urn:test:analytics', code: rule.name }], text: `${rule.name} crossed` };
  switch (kind) {
    case 'DetectedIssue':
      return { resourceType: 'DetectedIssue', status: 'final', severity: 'high', code, patient: subject, identifiedDateTime: now, implicated: [evidence] };
    case 'RiskAssessment':
      return { resourceType: 'RiskAssessment', status: 'final', code, subject, occurrenceDateTime: now, basis: [evidence], prediction: [{ outcome: { text: rule.name }, qualitativeRisk: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/risk-probability', code: 'high' }] } }] };
    case 'Communication':
      return { resourceType: 'Communication', status: 'completed', category: [{ coding: [{ system: 'urn:test:analytics', code: 'alert' }] }], subject, sent: now, about: [evidence], payload: [{ contentString: `${rule.name} crossed` }], reasonCode: [code] };
    case 'CommunicationRequest':
      return { resourceType: 'CommunicationRequest', status: 'active', priority: 'urgent', subject, authoredOn: now, about: [evidence], payload: [{ contentString: `${rule.name} crossed` }], reasonCode: [code] };
    default:
      return {
        resourceType: 'Flag', status: 'active',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/flag-category', code: 'clinical' }] }],
        code, subject, period: { start: now },
        extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/flag-detail', valueReference: evidence }],
      };
  }
}

async function analyse(o) {
  if (opts.analytics.length === 0 || !o.subject || !o.code) return;
  const value = numericValue(o);
  if (value === null) return;
  const codes = (o.code.coding || []).map((c) => c.code);
  for (const rule of opts.analytics) {
    if (!codes.includes(rule.code)) continue;
    const key = `${o.subject.reference}|${rule.name}`;
    const now = rule.above ? value > rule.threshold : value < rule.threshold;
    const before = beyond.get(key) || false;
    beyond.set(key, now);
    if (now && !before) {
      const created = await repo.createResource(alertResource(opts.analyticsResource, o, rule));
      stats.alerts_raised++;
      notify(created);
    }
  }
}

// R4 rest-hook: POST the resource (or nothing, without a payload type) to each matching endpoint.
async function notify(resource) {
  if (!opts.subscriptions) return;
  let subs;
  try {
    subs = await repo.search({ resourceType: 'Subscription', filters: [], count: 1000 });
  } catch {
    return;
  }
  for (const e of subs.entry || []) {
    const s = e.resource;
    if (s.status !== 'active' && s.status !== 'requested') continue;
    if (!s.channel || s.channel.type !== 'rest-hook' || !s.channel.endpoint) continue;
    let matches = false;
    try {
      const search = core.parseSearchRequest(s.criteria);
      matches = search.resourceType === resource.resourceType && core.matchesSearchRequest(resource, search);
    } catch {
      matches = false;
    }
    if (!matches) continue;
    const headers = {};
    for (const h of s.channel.header || []) {
      const colon = h.indexOf(':');
      if (colon > 0) headers[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
    }
    const body = s.channel.payload ? JSON.stringify(resource) : '';
    headers['Content-Type'] = s.channel.payload || 'application/fhir+json';
    headers['Content-Length'] = Buffer.byteLength(body);
    const req = http.request(s.channel.endpoint, { method: 'POST', headers }, (res) => {
      res.resume();
      if (res.statusCode >= 200 && res.statusCode < 300) stats.notifications++;
      else stats.notification_failures++;
    });
    req.on('error', () => stats.notification_failures++);
    req.end(body);
  }
}

// ---- FHIR requests through Medplum's router -------------------------------------------------
async function fhir(req, res, rest, search, body) {
  const method = req.method;
  const observations = method === 'POST' || method === 'PUT' ? observationsIn(body) : [];
  if (opts.checkReferences && observations.length > 0) {
    const why = await missingSubject(observations);
    if (why) {
      stats.refused_references++;
      return send(res, 400, outcome('processing', why));
    }
  }
  if (opts.validate && (method === 'POST' || method === 'PUT') && body && typeof body === 'object') {
    const written = body.resourceType === 'Bundle'
      ? (body.entry || []).map((e) => e && e.resource).filter(Boolean) : [body];
    for (const r of written) {
      try {
        core.validateResource(r);
      } catch (err) {
        stats.invalid++;
        return send(res, 400, err.outcome || outcome('invalid', String(err.message)));
      }
    }
  }
  const query = {};
  for (const [k, v] of new URLSearchParams(search)) query[k] = v;
  const fhirReq = { method, url: rest + (search ? `?${search}` : ''), pathname: '', body, params: {}, query, headers: req.headers };
  // A PUT with a client-assigned id creates the resource when it is not there yet (Medplum
  // answers 200 either way): such a PUT stored something new, like a 201.
  let putCreates = false;
  const putTarget = method === 'PUT' ? /^\/([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(rest) : null;
  if (putTarget) {
    try {
      await repo.readResource(putTarget[1], putTarget[2]);
    } catch {
      putCreates = true;
    }
  }
  let result;
  try {
    result = await router.handleRequest(fhirReq, repo);
  } catch (err) {
    return send(res, 500, core.normalizeOperationOutcome(err));
  }
  const [oo, resource] = result;
  const status = core.getStatus(oo);
  // What was stored by this request, for duplicates, analytics and notifications.
  const stored = [];
  if ((status === 201 || (status === 200 && putCreates)) && resource && resource.resourceType !== 'Bundle') stored.push(resource);
  if (resource && resource.resourceType === 'Bundle' && /-response$/.test(resource.type || '')) {
    for (const e of resource.entry || []) {
      if (e.response && String(e.response.status).startsWith('201') && e.resource) stored.push(e.resource);
    }
  }
  let storedObservation = false;
  for (const r of stored) {
    if (r.resourceType === 'Observation') {
      noteStored(r);
      storedObservation = true;
      await analyse(r);
    }
    if (r.resourceType !== 'Subscription') notify(r);
  }
  await applyChartFaults(stored);
  if (storedObservation && opts.resetAfterStore > 0 && random() < opts.resetAfterStore) {
    stats.resets++;
    req.socket.destroy();  // stored, but the client never hears so
    return undefined;
  }
  const headers = {};
  if (status === 201 && resource && resource.id) {
    headers.Location = `${opts.base}/${resource.resourceType}/${resource.id}/_history/${resource.meta.versionId}`;
  }
  if (resource && resource.meta && resource.meta.versionId) headers.ETag = `W/"${resource.meta.versionId}"`;
  return send(res, status, resource || oo, headers);
}

// ---- the HTTP server ------------------------------------------------------------------------
const server = http.createServer((req, res) => {
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size > 16 * 1024 * 1024) {
      send(res, 413, outcome('too-costly', 'request body over 16 MiB'));
      req.destroy();
      return;
    }
    chunks.push(c);
  });
  req.on('end', () => {
    handle(req, res, Buffer.concat(chunks)).catch((err) => {
      if (!res.headersSent) send(res, 500, outcome('exception', String(err && err.message)));
    });
  });
});
server.keepAliveTimeout = 60000;
server.headersTimeout = 65000;

async function handle(req, res, raw) {
  stats.requests++;
  const url = new URL(req.url, 'http://localhost');
  const path = url.pathname;
  if (path === '/_stats') return send(res, 200, { ...stats, chart_faults: chartFaultStats });
  if (path === '/oauth2/token' && req.method === 'POST') return token(req, res, raw);
  if (path === '/.well-known/smart-configuration') {
    return send(res, 200, { token_endpoint: `http://${req.headers.host}/oauth2/token`, grant_types_supported: ['client_credentials'], token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'], token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'] });
  }
  if (path !== opts.base && !path.startsWith(`${opts.base}/`)) return send(res, 404, outcome('not-found', `no such endpoint: ${path}`));
  if (!checkBearer(req, res)) return undefined;
  const rest = path.slice(opts.base.length) || '/';
  const routeKey = `${req.method} ${rest.split('/')[1] || '(base)'}`;
  stats.by_route[routeKey] = (stats.by_route[routeKey] || 0) + 1;
  let body;
  if (raw.length > 0) {
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return send(res, 400, outcome('structure', 'request body is not JSON'));
    }
  }
  if (!opts.quiet) process.stderr.write(`${req.method} ${req.url}\n`);
  if (chartFaultsOn) return serialised(() => fhir(req, res, rest, url.search.slice(1), body));
  return fhir(req, res, rest, url.search.slice(1), body);
}

server.listen(opts.port, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ ready: true, port: server.address().port })}\n`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
