/** Failed writes, shown the same way on the admin pages and the supervisor wall. */
import { notifications } from "@mantine/notifications";
import { errorMessage } from "../api/client.ts";

/** Shows a failed write as a red notification titled `title`, with the server's message. */
export const notifyError = (title: string) => (error: unknown) =>
  notifications.show({ color: "red", title, message: errorMessage(error) });
