"""The JSON API under /api/v1/ (django-ninja): one NinjaAPI, one router per domain.

To add a domain: write `routers/<domain>.py` with `router = Router(tags=[...])`, operations
that parse input, call one selector or service and return plain data, declared with
`response={200: Schema, **ERRORS}`; then add it to ROUTERS below. Authentication (the
token), the per-token rate limit and JSON errors come from here, for every router.
"""

from __future__ import annotations

from ninja import NinjaAPI, Swagger

from . import errors
from .auth import TokenAuth, TokenRateThrottle
from .routers import candidacies, deadlines, members, periods, plans, ratings, units

ROUTERS = [units, members, candidacies, deadlines, plans, ratings, periods]

api = NinjaAPI(
    title="dangvien API",
    version="1",
    description=(
        "API của hệ thống phát triển đảng viên. Mọi yêu cầu gửi mã truy cập cá nhân: "
        "`Authorization: Bearer <mã>` (tạo ở trang 'Tài khoản của tôi'). Phạm vi dữ liệu đúng "
        "như trên trang web; đối tượng ngoài phạm vi trả 404."),
    auth=TokenAuth(),
    throttle=[TokenRateThrottle()],
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
    urls_namespace="api-v1",
)
errors.install(api)

for module in ROUTERS:
    api.add_router("/", module.router)
