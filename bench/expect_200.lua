-- Shared by the wrk scripts (loaded with dofile from the repository's root): report any answer but 200.
function response(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end
