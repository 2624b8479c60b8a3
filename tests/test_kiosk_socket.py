"""The kiosk's listening socket: every connection it accepts sends each write at once.

uvicorn writes a page's head and body separately; with Nagle's algorithm on, the body waits for
the browser's delayed acknowledgement of the head (40 ms on Linux, up to 200 ms elsewhere) on
every page. asyncio turns the algorithm off (TCP_NODELAY) only on sockets that say they are TCP.
"""

from __future__ import annotations

import asyncio
import socket

from triage.web.server import listen


def test_connections_to_the_kiosk_have_nagle_off() -> None:
    sock = listen("127.0.0.1", 0)
    port = sock.getsockname()[1]
    seen: list[int] = []

    async def run() -> None:
        def accepted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            peer = writer.get_extra_info("socket")
            seen.append(peer.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(accepted, sock=sock)
        async with server:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            for _ in range(100):
                if seen:
                    break
                await asyncio.sleep(0.01)
            writer.close()

    asyncio.run(run())
    assert seen and seen[0] != 0, "TCP_NODELAY is off on the kiosk's connections"
