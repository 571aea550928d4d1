"""A test case on several virtual hosts (tests/lib/netns.py): the namespaces are made before each test and torn
down after it, once its processes are killed. Subclasses set HOSTS (and RELAY for the TAP relay's delay and loss)."""
import netns
from swarm_testlib import SwarmTestCase


class HostsTestCase(SwarmTestCase):
    HOSTS = 2
    RELAY = False

    def setUp(self):
        super().setUp()
        self.net = netns.Network(self.HOSTS, relay=self.RELAY)
        try:
            self.net.up()
        except BaseException:
            super().tearDown()
            raise

    def tearDown(self):
        # Processes first (SIGKILL, logs closed), then the namespaces; the temp folder last.
        self.procs.kill_all()
        self.net.down()
        super().tearDown()
