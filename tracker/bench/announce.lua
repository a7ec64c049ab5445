-- wrk script: BEP 3 announces with random peer ids and ports over a fixed list of info-hashes.
-- Usage: wrk -s announce.lua http://127.0.0.1:PORT -- HASHFILE
local hashes = {}

local function escape(hex)
  -- every byte %-escaped, as BEP 3 clients send binary info-hashes
  return (hex:gsub("..", function(b) return "%" .. b end))
end

function init(args)
  local file = args[1] or "infohashes.txt"
  for line in io.lines(file) do
    if #line == 40 then hashes[#hashes + 1] = escape(line) end
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  local peer = string.format("-WR0001-%012d", math.random(0, 999999999999))
  local port = math.random(1024, 65535)
  local path = "/announce?info_hash=" .. hashes[math.random(#hashes)] .. "&peer_id=" .. peer ..
      "&port=" .. port .. "&uploaded=0&downloaded=0&left=" .. math.random(0, 1) * 1000 ..
      "&compact=1&numwant=50"
  return wrk.format("GET", path)
end
