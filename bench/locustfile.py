"""The bounded load (bench/load.py starts it): each simulated user is one of the benchmark's
signed-in people, with a session of their own, asking for their key pages one after
another with 1 to 3 seconds of thought between them.

The plan, a JSON file named by BENCH_LOAD_PLAN, lists the people: a label, the session
cookie to send, and their pages as [name, path]. Users take the people in turn, so 20 users
are 20 different people. Anything but a 200 counts as a failure.
"""

import itertools
import json
import os
import random
import threading

from locust import HttpUser, between, task

with open(os.environ["BENCH_LOAD_PLAN"]) as plan_file:
    PLAN = json.load(plan_file)
_NEXT = itertools.count()
_LOCK = threading.Lock()


class Person(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        with _LOCK:
            self.person = PLAN[next(_NEXT) % len(PLAN)]
        self.rng = random.Random(self.person["label"])  # noqa: S311 - which page next

    @task
    def page(self):
        name, path = self.rng.choice(self.person["pages"])
        with self.client.get(
            path,
            name=f"{self.person['role']}: {name}",
            headers={"Cookie": self.person["cookie"]},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
