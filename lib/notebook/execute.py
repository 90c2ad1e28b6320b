"""Executes a notebook on a Jupyter kernel and keeps every output, also the ones that arrive late.

Jupyter kernels should publish all of a request's output before its `status: idle` message; Deno's kernel only
waits 5 ms for its stdout and display channels to flush, so on a busy machine a cell's last lines or figures can
arrive after its idle message. nbclient then drops them (it reads only the current cell's messages). This client
routes every message to the cell that sent its request, whenever it arrives, and before it stops it runs a
sentinel request that writes a marker to both channels (stdout and display): both channels are first-in first-out,
so once both markers are back, every earlier output is too.

The caller writes OUTPUT to a temp path and renames it. Usage: python3 execute.py NOTEBOOK OUTPUT [--timeout SECONDS] [--kernel NAME]
"""

import argparse
import asyncio
import os
import sys
import time
import uuid

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete
from nbclient.util import ensure_async

SENTINEL_SECONDS = 300


class RoutingClient(NotebookClient):
    """A NotebookClient that routes late messages to their own cell and drains the kernel before stopping."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.routes = {}

    def route(self, msg):
        """Processes a message for an earlier cell; returns True when it belonged to one."""
        target = self.routes.get(msg["parent_header"].get("msg_id"))
        if target is None:
            return False
        try:
            self.process_message(msg, *target)
        except CellExecutionComplete:
            pass
        return True

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        self.routes[parent_msg_id] = (cell, cell_index)
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    return
            else:
                self.route(msg)

    async def drain(self):
        """Runs the sentinel request and routes messages until both of its markers are back."""
        marker = f"davidnet-sentinel-{uuid.uuid4()}"
        code = (
            f'console.log("{marker}");\n'
            f'await Deno.jupyter.display({{ [Symbol.for("Jupyter.display")]: () => ({{ "text/plain": "{marker}" }}) }});'
        )
        sentinel_id = await ensure_async(self.kc.execute(code, store_history=False))
        seen = set()
        deadline = time.monotonic() + SENTINEL_SECONDS
        while seen != {"stream", "display_data"}:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError(f"the kernel did not echo the output sentinel within {SENTINEL_SECONDS} s")
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=left))
            if msg["parent_header"].get("msg_id") == sentinel_id:
                content = msg["content"]
                if msg["msg_type"] == "stream" and marker in content.get("text", ""):
                    seen.add("stream")
                elif msg["msg_type"] == "display_data" and marker in str(content.get("data", {})):
                    seen.add("display_data")
                elif msg["msg_type"] == "error":
                    raise RuntimeError(f"the output sentinel failed: {content.get('evalue')}")
            else:
                self.route(msg)

    async def async_execute(self, reset_kc=False, **kwargs):
        if reset_kc and self.owns_km:
            await self._async_cleanup_kernel()
        self.reset_execution_trackers()
        async with self.async_setup_kernel(**kwargs):
            msg_id = await ensure_async(self.kc.kernel_info())
            info = await self.async_wait_for_reply(msg_id)
            if info is not None and "language_info" in info["content"]:
                self.nb.metadata["language_info"] = info["content"]["language_info"]
            for index, cell in enumerate(self.nb.cells):
                await self.async_execute_cell(cell, index, execution_count=self.code_cells_executed + 1)
            await self.drain()
            self.set_widgets_metadata()
        return self.nb


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook")
    parser.add_argument("output")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds a cell may run")
    parser.add_argument("--kernel", default="deno")
    args = parser.parse_args()
    nb = nbformat.read(args.notebook, as_version=4)
    cwd = os.path.dirname(os.path.abspath(args.notebook))
    client = RoutingClient(
        nb, timeout=args.timeout, kernel_name=args.kernel, iopub_timeout=10, resources={"metadata": {"path": cwd}}
    )
    asyncio.run(client.async_execute())
    nbformat.write(nb, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
