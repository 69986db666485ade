#!/usr/bin/env node
// Medplum's own FHIR R4 validator (validateResource from @medplum/core) over resources iomtsim
// wrote: `node validate.js FILE` reads a JSON array of resources and prints one JSON line per
// resource: {"index":i,"resourceType":"…","issues":[{"severity":"error","text":"…","expression":"…"}]}
// (no issues: valid). Exit 0 once every resource was checked, 2 on unreadable input.
'use strict';
const fs = require('fs');
const core = require('@medplum/core');
const definitions = require('./definitions');

let resources;
try {
  resources = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  if (!Array.isArray(resources)) throw new Error('want a JSON array of resources');
} catch (err) {
  process.stderr.write(`validate.js: ${err.message}\n`);
  process.exit(2);
}
definitions.load();
resources.forEach((r, index) => {
  let issues = [];
  try {
    issues = core.validateResource(r) || [];
  } catch (err) {
    issues = (err.outcome && err.outcome.issue) || [{ severity: 'error', details: { text: String(err.message) } }];
  }
  const out = issues.map((i) => ({
    severity: i.severity,
    text: (i.details && i.details.text) || i.diagnostics || '',
    expression: (i.expression || []).join(','),
  }));
  process.stdout.write(`${JSON.stringify({ index, resourceType: r && r.resourceType, issues: out })}\n`);
});
