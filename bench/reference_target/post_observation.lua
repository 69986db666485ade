-- wrk script for wrk_compare.sh: POSTs one FHIR R4 vital-sign Observation per request
-- over keep-alive connections. The reading id (identifier) cycles so the target's
-- duplicate detection does not short-cut the rules.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/fhir+json"

local template = '{"resourceType":"Observation","identifier":[{"system":"urn:iomtsim:reading","value":"%d"}],' ..
  '"status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category",' ..
  '"code":"vital-signs"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"8867-4","display":"Heart rate"}]},' ..
  '"subject":{"reference":"Patient/p%d"},"device":{"reference":"Device/p%d-d0"},' ..
  '"effectiveDateTime":"1970-01-01T00:%02d:%02d.000Z",' ..
  '"valueQuantity":{"value":72.0,"unit":"beats/minute","system":"http://unitsofmeasure.org","code":"/min"}}'

-- Whole requests are formatted once, in init (per wrk thread): request() then costs wrk
-- almost nothing, so the client is not what limits the rate.
local requests = {}
init = function(args)
  for i = 1, 1000 do
    local patient = i % 200
    -- reading id = patient << 40 | sequence (device 0)
    local id = patient * 1099511627776 + i
    local body = string.format(template, id, patient, patient, math.floor(i / 60) % 60, i % 60)
    requests[i] = wrk.format(nil, nil, nil, body)
  end
end

local n = 0
request = function()
  n = n + 1
  return requests[(n % 1000) + 1]
end
