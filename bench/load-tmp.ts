import autocannon from 'autocannon';
const url = process.argv[2]!; const secs = Number(process.argv[3] ?? 8); const CONNECTIONS = 16;
const QUESTIONS = ['how do i order my repeat prescription', 'what is the capital of france', 'what does my egfr mean', 'can you book me a table for two', 'how do i look after my fistula', 'whats the weather tomorrow'];
let n = 0; const run = Date.now();
const r = await autocannon({ url: `${url}/api/messages`, connections: CONNECTIONS, duration: secs, method: 'POST', headers: { 'content-type': 'application/json' },
  requests: [{ setupRequest: (request) => { n++; const conversation = `bench-${run}-${n % CONNECTIONS}`; return { ...request, body: JSON.stringify({ type: 'message', id: `bench-${run}-${n}`, text: QUESTIONS[Math.floor(n / CONNECTIONS) % QUESTIONS.length], channelId: 'emulator', serviceUrl: 'http://127.0.0.1:9', from: { id: `user-${conversation}` }, recipient: { id: 'bot' }, conversation: { id: conversation }, deliveryMode: 'expectReplies' }) }; } }] });
console.log(JSON.stringify({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx }));
