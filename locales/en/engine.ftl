# The engine's sentences: answers, errors, progress. Placeables: { $name }.

restarting = 🔄 I'm restarting right now and can't take new requests. Nothing was sent or charged: try again in a minute.
interrupted = ⚠️ I had to restart, so this step was cut short. What is shown above is kept; say `status` to see the project, or send your message again in a minute.
